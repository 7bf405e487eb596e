from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.pagination import paginate

from .forms import OrganisationForm, SwitchOrganisationForm
from .models import Organisation
from .selectors import is_admin_of, organisations_of
from .services import organisation_create, organisation_switch, organisation_update


def _own_organisation(request, pk: int) -> Organisation:
    """Only members see an organisation's page; for anyone else it does not exist."""
    return get_object_or_404(organisations_of(request.user), pk=pk)


@login_required
def organisation_create_view(request):
    form = OrganisationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organisation, created = organisation_create(
                actor=request.user, organisation=form.save(commit=False)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                text = _("%(name)s is registered. You now act for it.")
            else:
                text = _("You had already sent this form: %(name)s is registered.")
            messages.success(request, text % {"name": organisation.name})
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@login_required
def organisation_detail_view(request, pk: int):
    organisation = _own_organisation(request, pk)
    # Current members only: a suspended one has no access and is not a colleague to contact.
    memberships = (
        organisation.memberships.current()
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    page = paginate(request, memberships)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "memberships": page.object_list,
            "page": page,
            "can_edit": is_admin_of(request.user, organisation),
        },
    )


@login_required
def organisation_edit_view(request, pk: int):
    organisation = _own_organisation(request, pk)
    if not is_admin_of(request.user, organisation):
        raise Http404
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(organisation=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organisation's details are saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_switch_view(request):
    form = SwitchOrganisationForm(request.POST, user=request.user)
    if not form.is_valid():
        raise Http404
    organisation = form.cleaned_data["organisation"]
    organisation_switch(user=request.user, organisation=organisation)
    messages.success(request, _("You now act for %(name)s.") % {"name": organisation.name})
    return redirect("accounts:home")
