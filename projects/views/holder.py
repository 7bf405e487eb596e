"""The project holder's pages: a dashboard of the organisation's applications, and the
application editor, a `loket.steps.StepEditor` that saves a draft at every step through
`projects.domain`. URL patterns live at the bottom.

A holder acts for their active organisation and sees only its applications; any other is a
404. Caseworkers may open every application's pages. The strict checks run only on submit
(`application_submit`); each step checks only what is wrong in itself. Only drafts and
incomplete applications can be changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Value, When, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.accounts.access import has_desk_powers
from loket.display import field_display
from loket.files import private_file_response
from loket.formatting import percent
from loket.organisations.selectors import acting_organisation_id
from loket.pagination import paginate
from loket.steps import Step, StepEditor, form_changes

from ..domain.applications import (
    VALIDITY,
    application_confirm,
    application_create,
    application_submit,
    application_withdraw,
    submission_errors,
)
from ..domain.editing import (
    application_document_add,
    application_document_delete,
    application_update,
    read_only_message,
)
from ..domain.errors import ApplicationConflict, ApplicationError, ApplicationIncomplete
from ..enums import EDITABLE_STATES, OPEN_STATES, ApplicationState
from ..forms import (
    DocumentForm,
    MoneyForm,
    NeighbourhoodForm,
    PlaceForm,
    ProjectForm,
    SpaceForm,
    TimeForm,
    UseForm,
    WithdrawForm,
)
from ..models import Application, ApplicationStepProgress

A = ApplicationState


# --- The editor ------------------------------------------------------------------------------


def _save_form(*, obj: Application, form, actor) -> None:
    fields, relations = form_changes(form)
    application_update(application=obj, fields=fields, relations=relations)


def _documents_context(application: Application, *, document_form=None) -> dict:
    return {
        "documents": application.documents.all(),
        "document_form": document_form or DocumentForm(),
    }


STEPS = (
    Step("project", gettext_lazy("Project"), ProjectForm, save=_save_form),
    Step("space", gettext_lazy("Space"), SpaceForm, save=_save_form),
    Step("place", gettext_lazy("Place"), PlaceForm, save=_save_form),
    Step("time", gettext_lazy("Time"), TimeForm, save=_save_form),
    Step("money", gettext_lazy("Money"), MoneyForm, save=_save_form),
    Step("use", gettext_lazy("Use"), UseForm, save=_save_form),
    Step("neighbourhood", gettext_lazy("Neighbourhood"), NeighbourhoodForm, save=_save_form),
    Step("documents", gettext_lazy("Documents"), context=_documents_context),
    Step("review", gettext_lazy("Review and submit")),
)


class ApplicationEditor(StepEditor):
    """The holder's application editor. Caseworkers may open every application's steps."""

    steps = STEPS
    progress_model = ApplicationStepProgress
    object_name = "application"
    url_namespace = "projects"
    step_url_name = "holder_step"
    resume_url_name = "holder_application"
    error_class = ApplicationError

    def get_object(self, request, pk: int) -> Application:
        return _application_or_404(request, pk)

    def template_name(self, step: Step) -> str:
        return f"projects/holder/step_{'form' if step.form_class else step.slug}.html"

    def is_editable(self, application: Application) -> bool:
        return application.state in EDITABLE_STATES

    def can_submit(self, application: Application) -> bool:
        return self.is_editable(application)

    def read_only_message(self, application: Application) -> str:
        return read_only_message(application)

    def submission_errors(self, application: Application) -> dict[str, list]:
        return submission_errors(application)

    def context(self, request, application: Application) -> dict:
        return {"can_withdraw": application.state != A.CLOSED}

    def review_context(self, request, application: Application, errors: dict) -> dict:
        return {"documents": application.documents.all()}

    def display(self, application: Application, name: str):
        if name == "programme":
            return ", ".join(
                f"{item['use']} {percent(item['share'])}" for item in application.programme
            )
        return field_display(application, name)


EDITOR = ApplicationEditor()


def _application_or_404(request, pk: int) -> Application:
    """The application, if the user may see it here: their active organisation's, or any for
    the desk. Everyone else gets a 404, so they cannot even learn that it exists."""
    applications = Application.objects.select_related("organisation", "step_progress")
    if not has_desk_powers(request.user):
        applications = applications.filter(organisation_id=acting_organisation_id(request.user))
    return get_object_or_404(applications, pk=pk)


def _step_url(application: Application, slug: str) -> str:
    return EDITOR.step_url(application, slug)


def _render_documents(request, application: Application, *, document_form=None):
    return EDITOR.render_step(
        request,
        application,
        EDITOR.step("documents"),
        _documents_context(application, document_form=document_form),
    )


def _no_organisation(request):
    messages.info(
        request,
        _("Register the organisation you act for first: applications are made by an organisation."),
    )
    return redirect("organisations:create")


# --- Dashboard and creation ------------------------------------------------------------------


@login_required
def dashboard_view(request):
    organisation = request.user.active_organisation
    if organisation is None and not has_desk_powers(request.user):
        return _no_organisation(request)
    applications = Application.objects.none()
    if organisation is not None:
        # The closed ones after those still in play, so that the first page is the live work.
        closed = Case(When(state=A.CLOSED, then=Value(1)), default=Value(0))
        applications = (
            Application.objects.filter(organisation=organisation)
            .select_related("step_progress")
            .prefetch_related("transitions")
            .order_by(closed, "-created_at", "-pk")
        )
    page = paginate(request, applications)
    applications = page.object_list
    # A draft's card says how far it is (the strict checks read its choices) and resumes at
    # its first unfinished step.
    drafts = [application for application in applications if application.state == A.DRAFT]
    prefetch_related_objects(drafts, "activity_types", "communes")
    for application in applications:
        application.is_open = application.state in OPEN_STATES
        application.valid_until = (
            application.confirmed_at + VALIDITY if application.confirmed_at else None
        )
        application.progress = (
            EDITOR.progress(application) if application.state == A.DRAFT else None
        )
    return render(
        request,
        "projects/holder/dashboard.html",
        {
            "organisation": organisation,
            "applications": applications,
            "page": page,
            "editable_states": EDITABLE_STATES,
        },
    )


@login_required
def create_view(request):
    """GET explains the steps; POST opens a new draft for the active organisation, empty or
    copied from one of its earlier applications."""
    organisation = request.user.active_organisation
    if organisation is None:
        return _no_organisation(request)
    earlier = Application.objects.filter(organisation=organisation).only("pk", "reference", "title")
    if request.method == "POST":
        source = None
        if request.POST.get("prefill_from"):
            try:
                source = earlier.get(pk=int(request.POST["prefill_from"]))
            except (ValueError, Application.DoesNotExist):
                messages.error(request, _("Choose one of your organisation's applications."))
                return redirect("projects:holder_create")
        application = application_create(
            actor=request.user, organisation=organisation, prefill_from=source
        )
        messages.success(request, _("Your draft is created. It is saved at every step."))
        return redirect(_step_url(application, STEPS[0].slug))
    return render(
        request,
        "projects/holder/create.html",
        {"organisation": organisation, "steps": STEPS, "earlier": earlier},
    )


@login_required
@require_POST
def confirm_view(request, pk: int):
    application = _application_or_404(request, pk)
    try:
        application = application_confirm(application=application, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Thank you. Your request stays valid until %(date)s.")
            % {"date": date_format(application.confirmed_at + VALIDITY)},
        )
    return redirect("projects:holder_dashboard")


# --- Documents -------------------------------------------------------------------------------


@login_required
@require_POST
def document_add_view(request, pk: int):
    application = _application_or_404(request, pk)
    refused = EDITOR.refuse_if_read_only(request, application)
    if refused:
        return refused
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_documents(request, application, document_form=form)
    try:
        application_document_add(
            application=application,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            uploaded=form.cleaned_data["file"],
        )
    except ApplicationError as error:
        application.refresh_from_db()
        refused = EDITOR.refuse_if_read_only(request, application)
        if refused:
            return refused
        form.add_error("file", error.message)
        return _render_documents(request, application, document_form=form)
    messages.success(request, _("The document is added."))
    return redirect(_step_url(application, "documents"))


@login_required
@require_POST
def document_delete_view(request, pk: int, document_pk: int):
    application = _application_or_404(request, pk)
    refused = EDITOR.refuse_if_read_only(request, application)
    if refused:
        return refused
    document = get_object_or_404(application.documents, pk=document_pk)
    try:
        application_document_delete(document=document)
    except ApplicationError as error:
        return EDITOR.refuse(request, application, EDITOR.step("documents"), error)
    messages.success(request, _("The document is removed."))
    return redirect(_step_url(application, "documents"))


@login_required
def document_view(request, pk: int, document_pk: int):
    application = _application_or_404(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    return private_file_response(
        document.file,
        content_type="application/pdf",
        filename=f"{slugify(document.title) or 'document'}.pdf",
    )


# --- Submit and withdraw ---------------------------------------------------------------------


@login_required
@require_POST
def submit_view(request, pk: int):
    application = _application_or_404(request, pk)
    try:
        application = application_submit(application=application, actor=request.user)
    except ApplicationIncomplete as incomplete:
        messages.error(request, _("The application is not complete yet. Fix the points below."))
        return EDITOR.render_review(request, application, errors=incomplete.errors)
    except ApplicationConflict:
        application.refresh_from_db()
        if application.state == A.SUBMITTED:
            messages.warning(request, _("This application has already been submitted."))
        else:
            messages.error(request, read_only_message(application))
        return redirect(_step_url(application, "review"))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_step_url(application, "review"))
    messages.success(
        request,
        _("Thank you. Your application %(reference)s is sent to the desk.")
        % {"reference": application.reference},
    )
    return redirect("projects:holder_dashboard")


@login_required
def withdraw_view(request, pk: int):
    application = _application_or_404(request, pk)
    form = WithdrawForm(request.POST or None)
    can_withdraw = application.state != A.CLOSED
    if request.method == "POST" and can_withdraw and form.is_valid():
        try:
            application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("projects:holder_dashboard")
        messages.success(request, _("The application is withdrawn."))
        return redirect("projects:holder_dashboard")
    return render(
        request,
        "projects/holder/withdraw.html",
        {"application": application, "form": form, "can_withdraw": can_withdraw},
    )


urlpatterns = [
    path("", dashboard_view, name="holder_dashboard"),
    path("new/", create_view, name="holder_create"),
    path("<int:pk>/confirm/", confirm_view, name="holder_confirm"),
    path("<int:pk>/documents/add/", document_add_view, name="holder_document_add"),
    path("<int:pk>/documents/<int:document_pk>/", document_view, name="holder_document"),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        document_delete_view,
        name="holder_document_delete",
    ),
    path("<int:pk>/submit/", submit_view, name="holder_submit"),
    path("<int:pk>/withdraw/", withdraw_view, name="holder_withdraw"),
    # The application's entry (resuming where the holder stopped) and its steps, last.
    *EDITOR.urls(),
]
