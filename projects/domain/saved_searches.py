from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from properties.filters import SiteFilter

from ..models import SavedSearch
from .errors import ApplicationError

MAX_SAVED_SEARCHES = 20


@transaction.atomic
def saved_search_create(*, user: User, name: str, query: str) -> SavedSearch:
    """Keep a catalogue search (its query string) with its criteria as columns."""
    if user.saved_searches.count() >= MAX_SAVED_SEARCHES:
        raise ApplicationError(_("You can keep at most 20 searches. Delete one first."))
    form = SiteFilter(QueryDict(query)).form
    if not form.is_valid():
        raise ApplicationError(_("This search has errors; correct it in the catalogue first."))
    data = form.cleaned_data
    search = SavedSearch.objects.create(
        user=user,
        name=name.strip() or _("My search"),
        query=query,
        surface_min=data.get("surface_min"),
        surface_max=data.get("surface_max"),
        kind=data.get("kind"),
        activity=data.get("activity"),
        economic_model=data.get("economic_model"),
        max_cost=data.get("max_cost"),
        needs_open_to_public=bool(data.get("open_to_public")),
        needs_step_free=bool(data.get("step_free_access")),
        available_from=data.get("available_from"),
        available_until=data.get("available_until"),
    )
    search.communes.set(data.get("commune") or [])
    return search
