"""The project holder's pages: a dashboard of the organisation's applications, and a
step-by-step editor that saves a draft at every step. URL patterns live at the bottom.

A holder acts for their active organisation and sees only its applications; any other is a
404. Caseworkers may open every application's pages. The strict checks run only on submit
(`application_submit`); each step checks only what is wrong in itself. Only drafts and
incomplete applications can be changed.
"""

import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import ModelForm
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loket.accounts.access import has_desk_powers
from loket.display import field_display, review_sections
from loket.files import private_file_response
from loket.organisations.selectors import acting_organisation_id

from ..domain.applications import (
    VALIDITY,
    application_confirm,
    application_create,
    application_submit,
    application_withdraw,
    submission_errors,
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
from ..models import Application
from ..models.application import MAX_DOCUMENTS

A = ApplicationState


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[ModelForm] | None = None


STEPS = (
    Step("project", gettext_lazy("Project"), ProjectForm),
    Step("space", gettext_lazy("Space"), SpaceForm),
    Step("place", gettext_lazy("Place"), PlaceForm),
    Step("time", gettext_lazy("Time"), TimeForm),
    Step("money", gettext_lazy("Money"), MoneyForm),
    Step("use", gettext_lazy("Use"), UseForm),
    Step("neighbourhood", gettext_lazy("Neighbourhood"), NeighbourhoodForm),
    Step("documents", gettext_lazy("Documents")),
    Step("review", gettext_lazy("Review and submit")),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}

# Where each strict error of `submission_errors` is fixed: field name -> step slug.
ERROR_STEPS = {
    name: step.slug for step in STEPS if step.form_class for name in step.form_class._meta.fields
}
CLOSING_STATES = [state for state in A if state != A.CLOSED]


# --- Helpers ---------------------------------------------------------------------------------


def _application_or_404(request, pk: int) -> Application:
    """The application, if the user may see it here: their active organisation's, or any for
    the desk. Everyone else gets a 404, so they cannot even learn that it exists."""
    applications = Application.objects.select_related("organisation")
    if not has_desk_powers(request.user):
        applications = applications.filter(organisation_id=acting_organisation_id(request.user))
    return get_object_or_404(applications, pk=pk)


def _is_editable(application: Application) -> bool:
    return application.state in EDITABLE_STATES


def _step_url(application: Application, slug: str) -> str:
    return reverse("projects:holder_step", kwargs={"pk": application.pk, "step": slug})


def _read_only_message(application: Application) -> str:
    return _(
        "This application is “%(state)s”: the desk is reviewing it, so it can no longer be "
        "changed here. Only drafts and applications the desk sent back can be changed."
    ) % {"state": application.get_state_display()}


def _refuse_if_read_only(request, application: Application):
    if _is_editable(application):
        return None
    messages.error(request, _read_only_message(application))
    return redirect(_step_url(application, "review"))


def _lock_editable(application: Application) -> Application | None:
    """Inside a transaction: the application locked, or None if it can no longer be changed."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    return locked if _is_editable(locked) else None


def _next_url(request, application: Application, step: Step) -> str:
    if request.POST.get("action") == "stay":
        return _step_url(application, step.slug)
    index = STEPS.index(step)
    return _step_url(application, STEPS[min(index + 1, len(STEPS) - 1)].slug)


def _render_step(request, application: Application, step: Step, context: dict):
    editable = _is_editable(application)
    return render(
        request,
        f"projects/holder/step_{step.slug if not step.form_class else 'form'}.html",
        {
            "application": application,
            "step": step,
            "step_number": STEPS.index(step) + 1,
            "steps": STEPS,
            "is_editable": editable,
            "read_only_message": "" if editable else _read_only_message(application),
            "can_withdraw": application.state != A.CLOSED,
            **context,
        },
    )


def _display(application: Application, name: str):
    """A field's value as the review page shows it; "" when not given."""
    if name == "programme":
        return ", ".join(f"{item['use']} {item['share']} %" for item in application.programme)
    return field_display(application, name)


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
    applications = []
    if organisation is not None:
        applications = list(
            Application.objects.filter(organisation=organisation)
            .only(
                "pk",
                "reference",
                "title",
                "state",
                "closed_reason",
                "desk_message",
                "updated_at",
                "confirmed_at",
                "organisation_id",
            )
            .prefetch_related("transitions")
        )
    for application in applications:
        application.is_open = application.state in OPEN_STATES
        application.valid_until = (
            application.confirmed_at + VALIDITY if application.confirmed_at else None
        )
    return render(
        request,
        "projects/holder/dashboard.html",
        {
            "organisation": organisation,
            "applications": applications,
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
def application_view(request, pk: int):
    application = _application_or_404(request, pk)
    return redirect(
        _step_url(application, STEPS[0].slug if _is_editable(application) else "review")
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


# --- The steps -------------------------------------------------------------------------------


@login_required
def step_view(request, pk: int, step: str):
    application = _application_or_404(request, pk)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    if current.slug == "documents":
        if request.method == "POST":
            return _refuse_if_read_only(request, application) or redirect(
                _step_url(application, "documents")
            )
        return _render_documents(request, application)
    if current.slug == "review":
        return _render_review(request, application)
    return _form_step(request, application, current)


def _form_step(request, application: Application, step: Step):
    if request.method == "POST":
        refused = _refuse_if_read_only(request, application)
        if refused:
            return refused
        form = step.form_class(request.POST, instance=application)
        if form.is_valid():
            with transaction.atomic():
                if _lock_editable(application) is None:
                    return _refuse_if_read_only(request, Application.objects.get(pk=application.pk))
                instance = form.save(commit=False)
                concrete = {field.name for field in Application._meta.concrete_fields}
                fields = [name for name in form.Meta.fields if name in concrete]
                instance.save(update_fields=[*fields, "updated_at"])
                form.save_m2m()
            messages.success(request, _("Saved."))
            return redirect(_next_url(request, application, step))
        application.refresh_from_db()
        return _render_step(request, application, step, {"form": form})
    form = step.form_class(instance=application, read_only=not _is_editable(application))
    return _render_step(request, application, step, {"form": form})


def _render_documents(request, application: Application, *, document_form=None):
    return _render_step(
        request,
        application,
        STEP_BY_SLUG["documents"],
        {
            "documents": application.documents.all(),
            "document_form": document_form or DocumentForm(),
        },
    )


def _render_review(request, application: Application, *, errors: dict | None = None):
    can_submit = _is_editable(application)
    if errors is None:
        errors = submission_errors(application) if can_submit else {}
    problems = []
    for name, messages_ in errors.items():
        step_slug = ERROR_STEPS.get(name, "review")
        for message in messages_:
            problems.append(
                {
                    "label": _label(name),
                    "message": message,
                    "url": f"{_step_url(application, step_slug)}#id_{name}",
                    "step": STEP_BY_SLUG[step_slug].title,
                }
            )
    sections = review_sections(
        application,
        STEPS,
        errors=errors,
        step_url=lambda slug: _step_url(application, slug),
        display=_display,
    )
    return _render_step(
        request,
        application,
        STEP_BY_SLUG["review"],
        {
            "problems": problems,
            "sections": sections,
            "documents": application.documents.all(),
            "can_submit": can_submit,
        },
    )


def _label(name: str) -> str:
    return str(Application._meta.get_field(name).verbose_name).capitalize()


# --- Documents -------------------------------------------------------------------------------


@login_required
@require_POST
def document_add_view(request, pk: int):
    application = _application_or_404(request, pk)
    refused = _refuse_if_read_only(request, application)
    if refused:
        return refused
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_documents(request, application, document_form=form)
    with transaction.atomic():
        if _lock_editable(application) is None:
            return _refuse_if_read_only(request, Application.objects.get(pk=application.pk))
        if application.documents.count() >= MAX_DOCUMENTS:
            form.add_error(
                "file",
                _("An application has at most %(max)d documents. Remove one before adding another.")
                % {"max": MAX_DOCUMENTS},
            )
            return _render_documents(request, application, document_form=form)
        document = form.save(commit=False)
        document.application = application
        # A random name: the holder's file name never reaches a URL or the disk.
        document.file.name = f"{secrets.token_hex(8)}.pdf"
        document.save()
        Application.objects.filter(pk=application.pk).update(updated_at=document.created_at)
    messages.success(request, _("The document is added."))
    return redirect(_step_url(application, "documents"))


@login_required
@require_POST
def document_delete_view(request, pk: int, document_pk: int):
    application = _application_or_404(request, pk)
    refused = _refuse_if_read_only(request, application)
    if refused:
        return refused
    document = get_object_or_404(application.documents, pk=document_pk)
    file = document.file
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: file.storage.delete(file.name))
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
        return _render_review(request, application, errors=incomplete.errors)
    except ApplicationConflict:
        application.refresh_from_db()
        if application.state == A.SUBMITTED:
            messages.warning(request, _("This application has already been submitted."))
        else:
            messages.error(request, _read_only_message(application))
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
    path("<int:pk>/", application_view, name="holder_application"),
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
    path("<int:pk>/<slug:step>/", step_view, name="holder_step"),
]
