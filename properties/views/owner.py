"""The owner's pages: a dashboard of the organisation's sites, and a step-by-step editor that
saves a draft at every step. URL patterns live at the bottom of this module.

An owner acts for their active organisation and sees only its sites; any other site is a 404.
Caseworkers may open every site's pages, since they act for the desk. The strict checks run
only on submit (`properties.domain.site_submit`); each step checks only what is wrong in itself.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.accounts.access import has_desk_powers
from loket.communes.models import Commune
from loket.display import field_display, review_sections
from loket.organisations.selectors import acting_organisation_id

from ..domain import (
    SiteConflict,
    SiteError,
    SiteIncomplete,
    site_create,
    site_photo_add,
    site_refresh_figures,
    site_submit,
    site_transition,
)
from ..domain.sites import (
    allowed_targets,
    site_document_add,
    site_document_delete,
    site_photo_delete,
    site_update,
    submission_errors,
)
from ..enums import EDITABLE_STATES, TO_REVIEW_STATES, SiteState
from ..forms import (
    AvailabilityForm,
    DocumentForm,
    PhotoForm,
    TechnicalForm,
    UnitFormSet,
    UsesTermsForm,
    WhatForm,
    WhereForm,
    WithdrawForm,
)
from ..geocoding import get_geocoder
from ..models import Site
from ..models.media import MAX_PHOTOS
from ..selectors import sites_of_organisation


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[ModelForm] | None = None
    # Saving this step changes the surface or the cost, so the figures are recomputed.
    refreshes_figures: bool = False


STEPS = (
    Step("where", gettext_lazy("Where"), WhereForm),
    Step("what", gettext_lazy("What"), WhatForm),
    Step("availability", gettext_lazy("Availability"), AvailabilityForm),
    Step("technical", gettext_lazy("Technical"), TechnicalForm),
    Step("uses", gettext_lazy("Uses and terms"), UsesTermsForm, refreshes_figures=True),
    Step("units", gettext_lazy("Units"), refreshes_figures=True),
    Step("media", gettext_lazy("Photos and documents")),
    Step("review", gettext_lazy("Review and submit")),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}

# Where each strict error of `submission_errors` is fixed: (step, the field's anchor).
ERROR_TARGETS = {
    name: (step.slug, f"id_{name}")
    for step in STEPS
    if step.form_class
    for name in step.form_class._meta.fields
}
ERROR_TARGETS |= {
    "title": ("what", "id_title_nl"),
    "description": ("what", "id_description_nl"),
    "units": ("units", "units"),
}
ERROR_LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "units": gettext_lazy("Units"),
}


# --- Helpers ---------------------------------------------------------------------------------


def _site_or_404(request, pk: int) -> Site:
    """The site, if the user may manage it here: their active organisation's, or any for the
    desk. Everyone else gets a 404, so they cannot even learn that it exists."""
    sites = Site.objects.select_related("commune", "kind", "condition", "economic_model", "owner")
    if not has_desk_powers(request.user):
        sites = sites.filter(owner_id=acting_organisation_id(request.user))
    return get_object_or_404(sites, pk=pk)


def _is_editable(site: Site) -> bool:
    return site.state in EDITABLE_STATES


def _step_url(site: Site, slug: str) -> str:
    return reverse("properties:owner_step", kwargs={"pk": site.pk, "step": slug})


def _refuse_if_read_only(request, site: Site):
    if _is_editable(site):
        return None
    messages.error(
        request,
        _("This site is “%(state)s”: its details can no longer be changed here.")
        % {"state": site.get_state_display()},
    )
    return redirect(_step_url(site, "review"))


def _next_url(request, site: Site, step: Step) -> str:
    if request.POST.get("action") == "stay":
        return _step_url(site, step.slug)
    index = STEPS.index(step)
    return _step_url(site, STEPS[min(index + 1, len(STEPS) - 1)].slug)


def _render_step(request, site: Site, step: Step, context: dict):
    return render(
        request,
        f"properties/owner/step_{step.slug}.html",
        {
            "site": site,
            "step": step,
            "step_number": STEPS.index(step) + 1,
            "steps": STEPS,
            "is_editable": _is_editable(site),
            "can_withdraw": SiteState.WITHDRAWN in allowed_targets(site, request.user),
            **context,
        },
    )


def _display(site: Site, name: str):
    """A field's value as the review page shows it; "" when not given."""
    if name == "cadastral_parcels":
        return ", ".join(site.cadastral_parcels)
    return field_display(site, name)


# --- Dashboard and creation ------------------------------------------------------------------


def _no_organisation(request):
    messages.info(
        request,
        _("Register the organisation you act for first: sites are offered by an organisation."),
    )
    return redirect("organisations:create")


@login_required
def dashboard_view(request):
    organisation = request.user.active_organisation
    if organisation is None and not has_desk_powers(request.user):
        return _no_organisation(request)
    sites = sites_of_organisation(organisation.pk) if organisation else Site.objects.none()
    return render(
        request,
        "properties/owner/dashboard.html",
        {"organisation": organisation, "sites": sites, "editable_states": EDITABLE_STATES},
    )


@login_required
def create_view(request):
    """GET explains the steps; POST opens a new draft for the active organisation."""
    organisation = request.user.active_organisation
    if organisation is None:
        if has_desk_powers(request.user):
            messages.info(
                request, _("Caseworkers register a site on an owner's behalf in the desk admin.")
            )
            return redirect("properties:owner_dashboard")
        return _no_organisation(request)
    if request.method == "POST":
        site = site_create(actor=request.user, owner=organisation)
        messages.success(
            request,
            _("Draft %(reference)s is created. It is saved at every step.")
            % {"reference": site.reference},
        )
        return redirect(_step_url(site, STEPS[0].slug))
    return render(
        request, "properties/owner/create.html", {"organisation": organisation, "steps": STEPS}
    )


@login_required
def site_view(request, pk: int):
    site = _site_or_404(request, pk)
    return redirect(_step_url(site, STEPS[0].slug if _is_editable(site) else "review"))


# --- The steps -------------------------------------------------------------------------------


@login_required
def step_view(request, pk: int, step: str):
    site = _site_or_404(request, pk)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    if current.slug == "units":
        return _units_step(request, site, current)
    if current.slug == "media":
        return _render_media(request, site)
    if current.slug == "review":
        return _render_review(request, site)
    return _form_step(request, site, current)


def _form_step(request, site: Site, step: Step):
    read_only = not _is_editable(site)
    if request.method == "POST":
        refused = _refuse_if_read_only(request, site)
        if refused:
            return refused
        form = step.form_class(request.POST, instance=site)
        if form.is_valid():
            geocoded = step.slug == "where" and _geocode_if_needed(form.instance)
            try:
                with transaction.atomic():
                    site = form.save(commit=False)
                    fields = list(form.Meta.fields)
                    site_update(site=site, fields=[f for f in fields if f in _concrete(site)])
                    form.save_m2m()
                    if step.refreshes_figures:
                        site_refresh_figures(site=site)
            except SiteError as error:
                messages.error(request, error.message)
                return redirect(_step_url(site, step.slug))
            if geocoded:
                messages.info(
                    request,
                    _("We placed the site from its address; correct the point if needed."),
                )
                return redirect(_step_url(site, step.slug))
            messages.success(request, _("Saved."))
            return redirect(_next_url(request, site, step))
        # The form changed the instance while validating; show the stored values elsewhere.
        site.refresh_from_db()
        context = {"form": form}
        if step.slug == "where":
            context |= _map_context(site)
        return _render_step(request, site, step, context)
    form = step.form_class(instance=site, read_only=read_only)
    context = {"form": form}
    if step.slug == "where":
        context |= _map_context(site)
    return _render_step(request, site, step, context)


def _concrete(site: Site) -> set[str]:
    return {field.name for field in Site._meta.concrete_fields}


def _geocode_if_needed(site: Site) -> bool:
    """An address without a point: place it from the address, and say so."""
    if site.latitude is not None or not (site.street and site.commune_id):
        return False
    point = get_geocoder().geocode(
        street=site.street, number=site.number, postcode=site.postcode, commune=site.commune
    )
    if point is None:
        return False
    site.latitude, site.longitude = point.latitude, point.longitude
    return True


def _map_context(site: Site) -> dict:
    centres = {
        commune.pk: [str(commune.latitude), str(commune.longitude)]
        for commune in Commune.objects.exclude(latitude=None)
    }
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "commune_centres": centres,
    }


def _units_step(request, site: Site, step: Step):
    read_only = not _is_editable(site)
    if request.method == "POST":
        refused = _refuse_if_read_only(request, site)
        if refused:
            return refused
        formset = UnitFormSet(request.POST, instance=site, prefix="units")
        if formset.is_valid():
            try:
                with transaction.atomic():
                    site_update(site=site, fields=[])
                    next_position = site.units.count()
                    units = formset.save(commit=False)
                    for unit in formset.deleted_objects:
                        unit.delete()
                    for offset, unit in enumerate(formset.new_objects):
                        unit.position = next_position + offset
                    for unit in units:
                        unit.save()
                    site_refresh_figures(site=site)
            except SiteError as error:
                messages.error(request, error.message)
                return redirect(_step_url(site, step.slug))
            messages.success(request, _("Saved."))
            return redirect(_next_url(request, site, step))
        return _render_step(request, site, step, {"formset": formset})
    formset = UnitFormSet(instance=site, prefix="units", read_only=read_only)
    if read_only:
        formset.extra = 0
    return _render_step(request, site, step, {"formset": formset})


def _render_media(request, site: Site, *, photo_form=None, document_form=None):
    photos = list(site.photos.all())
    return _render_step(
        request,
        site,
        STEP_BY_SLUG["media"],
        {
            "photos": photos,
            "documents": site.documents.all(),
            "photo_form": photo_form or PhotoForm(),
            "document_form": document_form or DocumentForm(),
            "max_photos": MAX_PHOTOS,
            "photos_left": max(MAX_PHOTOS - len(photos), 0),
        },
    )


def _render_review(request, site: Site, *, errors: dict | None = None):
    if errors is None:
        errors = submission_errors(site) if site.state == SiteState.DRAFT else {}
    problems = []
    for name, messages_ in errors.items():
        step_slug, anchor = ERROR_TARGETS.get(name, ("review", ""))
        label = ERROR_LABELS.get(name) or _label(name)
        for message in messages_:
            problems.append(
                {
                    "field": name,
                    "label": label,
                    "message": message,
                    "url": f"{_step_url(site, step_slug)}#{anchor}",
                    "step": STEP_BY_SLUG[step_slug].title,
                }
            )
    sections = review_sections(
        site,
        STEPS,
        errors=errors,
        step_url=lambda slug: _step_url(site, slug),
        display=_display,
    )
    return _render_step(
        request,
        site,
        STEP_BY_SLUG["review"],
        {
            "problems": problems,
            "sections": sections,
            "units": site.units.select_related("kind"),
            "unit_errors": errors.get("units", []),
            "photos": site.photos.all(),
            "documents": site.documents.all(),
            "can_submit": site.state == SiteState.DRAFT,
            "is_in_review": site.state in TO_REVIEW_STATES,
        },
    )


def _label(name: str) -> str:
    return str(Site._meta.get_field(name).verbose_name).capitalize()


# --- Photos and documents --------------------------------------------------------------------


@login_required
@require_POST
def photo_add_view(request, pk: int):
    site = _site_or_404(request, pk)
    refused = _refuse_if_read_only(request, site)
    if refused:
        return refused
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            site_photo_add(
                site=site, uploaded=form.cleaned_data["photo"], caption=form.cleaned_data["caption"]
            )
        except SiteError as error:
            form.add_error("photo", error.message)
        except ValidationError as error:
            form.add_error("photo", error)
    if form.errors:
        return _render_media(request, site, photo_form=form)
    messages.success(request, _("The photo is added."))
    return redirect(_step_url(site, "media"))


@login_required
@require_POST
def photo_delete_view(request, pk: int, photo_pk: int):
    site = _site_or_404(request, pk)
    refused = _refuse_if_read_only(request, site)
    if refused:
        return refused
    site_photo_delete(photo=get_object_or_404(site.photos, pk=photo_pk))
    messages.success(request, _("The photo is removed."))
    return redirect(_step_url(site, "media"))


@login_required
@require_POST
def document_add_view(request, pk: int):
    site = _site_or_404(request, pk)
    refused = _refuse_if_read_only(request, site)
    if refused:
        return refused
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_media(request, site, document_form=form)
    try:
        site_document_add(
            site=site,
            title=form.cleaned_data["title"],
            uploaded=form.cleaned_data["file"],
            is_public=form.cleaned_data["is_public"],
        )
    except SiteError as error:
        form.add_error("file", error.message)
        return _render_media(request, site, document_form=form)
    messages.success(request, _("The document is added."))
    return redirect(_step_url(site, "media"))


@login_required
@require_POST
def document_delete_view(request, pk: int, document_pk: int):
    site = _site_or_404(request, pk)
    refused = _refuse_if_read_only(request, site)
    if refused:
        return refused
    site_document_delete(document=get_object_or_404(site.documents, pk=document_pk))
    messages.success(request, _("The document is removed."))
    return redirect(_step_url(site, "media"))


# --- Submit and withdraw ---------------------------------------------------------------------


@login_required
@require_POST
def submit_view(request, pk: int):
    site = _site_or_404(request, pk)
    try:
        site_submit(site=site, actor=request.user)
    except SiteIncomplete as incomplete:
        messages.error(request, _("The site is not complete yet. Fix the points below."))
        return _render_review(request, site, errors=incomplete.errors)
    except SiteConflict as conflict:
        site.refresh_from_db()
        if site.state in TO_REVIEW_STATES:
            messages.warning(request, _("This site has already been submitted."))
        else:
            messages.error(request, conflict.message)
        return redirect(_step_url(site, "review"))
    messages.success(
        request,
        _("Thank you. %(reference)s is sent to the desk, which will review it.")
        % {"reference": site.reference},
    )
    return redirect("properties:owner_dashboard")


@login_required
def withdraw_view(request, pk: int):
    site = _site_or_404(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site_transition(
                site=site,
                to_state=SiteState.WITHDRAWN,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except SiteError as error:
            messages.error(request, error.message)
            return redirect(_step_url(site, "review"))
        messages.success(request, _("%(reference)s is withdrawn.") % {"reference": site.reference})
        return redirect("properties:owner_dashboard")
    return render(
        request,
        "properties/owner/withdraw.html",
        {
            "site": site,
            "form": form,
            "can_withdraw": SiteState.WITHDRAWN in allowed_targets(site, request.user),
        },
    )


urlpatterns = [
    path("", dashboard_view, name="owner_dashboard"),
    path("new/", create_view, name="owner_create"),
    path("<int:pk>/", site_view, name="owner_site"),
    path("<int:pk>/photos/", photo_add_view, name="owner_photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/delete/", photo_delete_view, name="owner_photo_delete"),
    path("<int:pk>/documents/", document_add_view, name="owner_document_add"),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        document_delete_view,
        name="owner_document_delete",
    ),
    path("<int:pk>/submit/", submit_view, name="owner_submit"),
    path("<int:pk>/withdraw/", withdraw_view, name="owner_withdraw"),
    path("<int:pk>/<slug:step>/", step_view, name="owner_step"),
]
