"""The owner's pages: a dashboard of the organisation's sites, and the site editor, a
`loket.steps.StepEditor` that saves a draft at every step. URL patterns live at the bottom.

An owner acts for their active organisation and sees only its sites; any other site is a 404.
Caseworkers may open every site's pages, since they act for the desk. The strict checks run
only on submit (`properties.domain.site_submit`); each step checks only what is wrong in itself.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.accounts.access import has_desk_powers
from loket.communes.models import Commune
from loket.display import field_display
from loket.organisations.selectors import acting_organisation_id
from loket.pagination import paginate
from loket.steps import Step, StepEditor, form_changes

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
    read_only_message,
    site_document_add,
    site_document_delete,
    site_photo_delete,
    site_units_update,
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
from ..models import Site, SiteStepProgress
from ..models.media import MAX_PHOTOS
from ..selectors import sites_of_organisation

# --- The editor ------------------------------------------------------------------------------


def _site_or_404(request, pk: int) -> Site:
    """The site, if the user may manage it here: their active organisation's, or any for the
    desk. Everyone else gets a 404, so they cannot even learn that it exists."""
    sites = Site.objects.select_related(
        "commune", "kind", "condition", "economic_model", "owner", "step_progress"
    )
    if not has_desk_powers(request.user):
        sites = sites.filter(owner_id=acting_organisation_id(request.user))
    return get_object_or_404(sites, pk=pk)


def _save_form(*, obj: Site, form, actor, refresh_figures: bool = False) -> None:
    fields, relations = form_changes(form)
    site_update(site=obj, fields=fields, relations=relations)
    if refresh_figures:
        site_refresh_figures(site=obj)


def _save_where(*, obj: Site, form, actor) -> str | None:
    """An address without a point is placed from the address; the owner is asked to check."""
    geocoded = _geocode_if_needed(obj)
    _save_form(obj=obj, form=form, actor=actor)
    if geocoded:
        return _("We placed the site from its address; correct the point if needed.")
    return None


def _save_uses(*, obj: Site, form, actor) -> None:
    # The economic model and the fee change the estimated cost.
    _save_form(obj=obj, form=form, actor=actor, refresh_figures=True)


def _units_step(editor, request, site: Site, step: Step):
    read_only = not editor.is_editable(site)
    if request.method == "POST":
        refused = editor.refuse_if_read_only(request, site)
        if refused:
            return refused
        formset = UnitFormSet(request.POST, instance=site, prefix="units")
        if formset.is_valid():
            try:
                with transaction.atomic():
                    saved = formset.save(commit=False)
                    site_units_update(site=site, saved=saved, deleted=formset.deleted_objects)
                    editor.record_saved(site, step)
            except SiteError as error:
                return editor.refuse(request, site, step, error)
            return editor.saved(request, site, step)
        return editor.render_step(request, site, step, {"formset": formset}, wrong=True)
    formset = UnitFormSet(instance=site, prefix="units", read_only=read_only)
    if read_only:
        formset.extra = 0
    return editor.render_step(request, site, step, {"formset": formset})


def _media_context(site: Site, *, photo_form=None, document_form=None) -> dict:
    photos = list(site.photos.all())
    return {
        "photos": photos,
        "documents": site.documents.all(),
        "photo_form": photo_form or PhotoForm(),
        "document_form": document_form or DocumentForm(),
        "max_photos": MAX_PHOTOS,
        "photos_left": max(MAX_PHOTOS - len(photos), 0),
    }


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


STEPS = (
    Step("where", gettext_lazy("Where"), WhereForm, save=_save_where, context=_map_context),
    Step(
        "what",
        gettext_lazy("What"),
        WhatForm,
        save=_save_form,
        anchors={"title": "id_title_nl", "description": "id_description_nl"},
    ),
    Step("availability", gettext_lazy("Availability"), AvailabilityForm, save=_save_form),
    Step("technical", gettext_lazy("Technical"), TechnicalForm, save=_save_form),
    Step("uses", gettext_lazy("Uses and terms"), UsesTermsForm, save=_save_uses),
    Step("units", gettext_lazy("Units"), view=_units_step, anchors={"units": "units"}),
    Step("media", gettext_lazy("Photos and documents"), context=_media_context),
    Step("review", gettext_lazy("Review and submit")),
)


class SiteEditor(StepEditor):
    """The owner's site editor. Caseworkers may open every site's steps, for the desk."""

    steps = STEPS
    progress_model = SiteStepProgress
    object_name = "site"
    template = "properties/owner/step_{slug}.html"
    url_namespace = "properties"
    step_url_name = "owner_step"
    resume_url_name = "owner_site"
    error_class = SiteError
    error_labels = {
        "title": gettext_lazy("Title"),
        "description": gettext_lazy("Description"),
        "units": gettext_lazy("Units"),
    }

    def get_object(self, request, pk: int) -> Site:
        return _site_or_404(request, pk)

    def is_editable(self, site: Site) -> bool:
        return site.state in EDITABLE_STATES

    def read_only_message(self, site: Site) -> str:
        return read_only_message(site.state)

    def submission_errors(self, site: Site) -> dict[str, list]:
        return submission_errors(site)

    def context(self, request, site: Site) -> dict:
        return {"can_withdraw": SiteState.WITHDRAWN in allowed_targets(site, request.user)}

    def review_context(self, request, site: Site, errors: dict) -> dict:
        return {
            "units": site.units.select_related("kind"),
            "unit_errors": errors.get("units", []),
            "photos": site.photos.all(),
            "documents": site.documents.all(),
            "is_in_review": site.state in TO_REVIEW_STATES,
        }

    def display(self, site: Site, name: str):
        if name == "cadastral_parcels":
            return ", ".join(site.cadastral_parcels)
        return field_display(site, name)


EDITOR = SiteEditor()


def _step_url(site: Site, slug: str) -> str:
    return EDITOR.step_url(site, slug)


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


def _render_media(request, site: Site, **forms):
    return EDITOR.render_step(request, site, EDITOR.step("media"), _media_context(site, **forms))


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
    page = paginate(request, sites)
    sites = page.object_list
    for site in sites:
        # A draft's card says how far it is and resumes at its first unfinished step.
        site.progress = EDITOR.progress(site) if site.state == SiteState.DRAFT else None
    return render(
        request,
        "properties/owner/dashboard.html",
        {
            "organisation": organisation,
            "sites": sites,
            "page": page,
            "editable_states": EDITABLE_STATES,
        },
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


# --- Photos and documents --------------------------------------------------------------------


@login_required
@require_POST
def photo_add_view(request, pk: int):
    site = _site_or_404(request, pk)
    refused = EDITOR.refuse_if_read_only(request, site)
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
    refused = EDITOR.refuse_if_read_only(request, site)
    if refused:
        return refused
    try:
        site_photo_delete(photo=get_object_or_404(site.photos, pk=photo_pk))
    except SiteError as error:
        return EDITOR.refuse(request, site, EDITOR.step("media"), error)
    messages.success(request, _("The photo is removed."))
    return redirect(_step_url(site, "media"))


@login_required
@require_POST
def document_add_view(request, pk: int):
    site = _site_or_404(request, pk)
    refused = EDITOR.refuse_if_read_only(request, site)
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
    refused = EDITOR.refuse_if_read_only(request, site)
    if refused:
        return refused
    try:
        site_document_delete(document=get_object_or_404(site.documents, pk=document_pk))
    except SiteError as error:
        return EDITOR.refuse(request, site, EDITOR.step("media"), error)
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
        return EDITOR.render_review(request, site, errors=incomplete.errors)
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
    # The site's entry (resuming where the owner stopped) and its steps, last.
    *EDITOR.urls(),
]
