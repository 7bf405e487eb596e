"""A holder's saved catalogue searches: save one from the catalogue, list them, delete them.
URL patterns live at the bottom of this module (included at /<lang>/my/searches/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.communes.models import Commune
from loket.formatting import number
from properties.enums import VISIBLE_STATES, Publication

from ..domain.errors import ApplicationError
from ..domain.saved_searches import SearchAlreadySaved, SearchNameTaken, saved_search_create
from ..forms import SavedSearchForm
from ..models import SavedSearch


def search_summary(search: SavedSearch) -> list[str]:
    """The search's criteria as short readable phrases, in the catalogue's order."""
    parts = []
    communes = list(search.communes.all())
    if communes:
        parts.append(", ".join(str(commune) for commune in communes))
    else:
        parts.append(_("Anywhere in Brussels"))
    low, high = search.surface_min, search.surface_max
    if low is not None and high is not None:
        parts.append(_("%(low)s to %(high)s m²") % {"low": number(low), "high": number(high)})
    elif low is not None:
        parts.append(_("at least %(low)s m²") % {"low": number(low)})
    elif high is not None:
        parts.append(_("at most %(high)s m²") % {"high": number(high)})
    if search.kind_id:
        parts.append(str(search.kind))
    if search.activity_id:
        parts.append(_("for %(activity)s") % {"activity": search.activity})
    if search.economic_model_id:
        parts.append(str(search.economic_model))
    if search.max_cost is not None:
        # Whole euros, the sign where the translation puts it, as the language writes it.
        parts.append(_("at most € %(cost)s a month") % {"cost": number(search.max_cost, 0)})
    if search.needs_open_to_public:
        parts.append(_("open to the public"))
    if search.needs_step_free:
        parts.append(_("step-free access"))
    start = date_format(search.available_from) if search.available_from else None
    end = date_format(search.available_until) if search.available_until else None
    if start and end:
        parts.append(_("needed from %(start)s to %(end)s") % {"start": start, "end": end})
    elif start:
        parts.append(_("needed from %(start)s") % {"start": start})
    elif end:
        parts.append(_("needed by %(end)s") % {"end": end})
    return parts


def saved_searches_of(user):
    """The user's searches with what the list shows, in a constant number of queries: the
    count of fitting sites that are still published, and the communes in one prefetch."""
    fitting_now = Q(
        matches__site__state__in=VISIBLE_STATES,
        matches__site__publication=Publication.PUBLIC,
    )
    return (
        SavedSearch.objects.filter(user=user)
        .select_related("kind", "activity", "economic_model")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("nis_code")))
        .annotate(fitting_count=Count("matches", filter=fitting_now, distinct=True))
        .order_by("-created_at", "-pk")
    )


@login_required
def search_list_view(request):
    searches = list(saved_searches_of(request.user))
    for search in searches:
        search.summary = search_summary(search)
    return render(request, "projects/searches/list.html", {"searches": searches})


@login_required
@require_POST
def search_create_view(request):
    """Saved from the catalogue's small form. A name or a search that cannot be kept is shown
    again on a page of its own, with the error next to the name."""
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        return _render_create(request, form)
    query = form.cleaned_data["query"]
    try:
        search = saved_search_create(user=request.user, name=form.cleaned_data["name"], query=query)
    except SearchAlreadySaved as error:
        messages.info(request, error.message)
        return redirect("searches:list")
    except SearchNameTaken as error:
        form.add_error("name", error.message)
        return _render_create(request, form)
    except ApplicationError as error:
        messages.error(request, error.message)
        catalogue = reverse("properties:catalogue")
        return redirect(f"{catalogue}?{query}" if query else catalogue)
    messages.success(request, _("Your search “%(name)s” is saved.") % {"name": search.name})
    return redirect("searches:list")


def _render_create(request, form: SavedSearchForm):
    # A search that cannot be kept (too long, a NUL) is not offered again, not even emptied.
    can_save = "query" in form.cleaned_data
    return render(
        request,
        "projects/searches/create.html",
        {"form": form, "can_save": can_save, "query": form.cleaned_data.get("query", "")},
    )


@login_required
def search_delete_view(request, pk: int):
    """Only the user's own searches: anyone else's does not exist (404)."""
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    if request.method == "POST":
        name = search.name
        search.delete()
        messages.success(request, _("The search “%(name)s” is deleted.") % {"name": name})
        return redirect("searches:list")
    return render(request, "projects/searches/delete.html", {"search": search})


app_name = "searches"
urlpatterns = [
    path("", search_list_view, name="list"),
    path("new/", search_create_view, name="create"),
    path("<int:pk>/delete/", search_delete_view, name="delete"),
]
