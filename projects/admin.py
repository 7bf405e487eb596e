"""The desk's admin for applications: a queue that opens on the requests to qualify, filters,
demand figures, internal notes, and actions that call `projects.domain`. Nothing here sets a
state itself."""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loket.accounts.models import User
from loket.admin_filters import AgeFilter as SharedAgeFilter
from loket.admin_filters import QueueFilter as SharedQueueFilter

from .domain import (
    ApplicationConflict,
    ApplicationError,
    application_assign,
    application_mark_incomplete,
    application_qualify,
    application_transition,
    queue_suggestions,
)
from .enums import OPEN_STATES, SURFACE_BANDS, ApplicationState, ClosedReason
from .figures import SURFACE_BAND_LABELS, demand_figures, surface_band_q
from .models import Application, ApplicationDocument, ApplicationNote, ApplicationTransition

A = ApplicationState
SEEN_STATE_PREFIX = "seen_state_"

# --- Desk actions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskAction:
    """One button of the desk, and what it asks for first."""

    name: str
    label: str
    from_states: tuple = ()
    asks_message: bool = False
    asks_assignee: bool = False
    closed_reason: str = ""


DESK_ACTIONS = [
    DeskAction("assign_to_me", _("Assign to me"), from_states=OPEN_STATES),
    DeskAction("assign_to", _("Assign to…"), from_states=OPEN_STATES, asks_assignee=True),
    DeskAction("qualify", _("Qualify"), from_states=(A.SUBMITTED,)),
    DeskAction(
        "mark_incomplete",
        _("Mark incomplete with a message"),
        from_states=(A.SUBMITTED, A.QUALIFIED),
        asks_message=True,
    ),
    DeskAction("start_searching", _("Start searching"), from_states=(A.QUALIFIED,)),
    DeskAction(
        "close_ineligible",
        _("Close as ineligible"),
        from_states=OPEN_STATES,
        asks_message=True,
        closed_reason=ClosedReason.INELIGIBLE,
    ),
    DeskAction(
        "close_no_match",
        _("Close: no match"),
        from_states=OPEN_STATES,
        asks_message=True,
        closed_reason=ClosedReason.NO_MATCH,
    ),
]
DESK_ACTIONS_BY_NAME = {action.name: action for action in DESK_ACTIONS}


def staff_users():
    return User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "last_name")


class DeskActionForm(forms.Form):
    """The intermediate page of the actions that need a message or a caseworker."""

    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), required=True
    )
    assignee = forms.ModelChoiceField(label=_("Caseworker"), queryset=User.objects.none())

    def __init__(self, *args, action: DeskAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action.asks_message:
            if action.closed_reason:
                self.fields["message"].label = _("Reason (kept in the history)")
            else:
                self.fields["message"].label = _("Message to the holder")
                self.fields["message"].help_text = _(
                    "The holder sees this message on their dashboard; it is also kept in the "
                    "application's history."
                )
        else:
            del self.fields["message"]
        if action.asks_assignee:
            self.fields["assignee"].queryset = staff_users()
        else:
            del self.fields["assignee"]


@transaction.atomic
def apply_action(request, action: DeskAction, application: Application, *, message, assignee):
    actor = request.user
    if action.name == "assign_to_me":
        return application_assign(application=application, actor=actor, assignee=actor)
    if action.name == "assign_to":
        return application_assign(application=application, actor=actor, assignee=assignee)
    if action.name == "qualify":
        return application_qualify(application=application, actor=actor)
    if action.name == "mark_incomplete":
        return application_mark_incomplete(application=application, actor=actor, message=message)
    if action.name == "start_searching":
        return application_transition(application=application, to_state=A.SEARCHING, actor=actor)
    if action.closed_reason:
        return application_transition(
            application=application,
            to_state=A.CLOSED,
            actor=actor,
            reason=message,
            closed_reason=action.closed_reason,
        )
    raise ApplicationError(_("Unknown action."))  # pragma: no cover


def run_desk_action(
    request, action: DeskAction, applications, *, seen_states, message="", assignee=None
):
    """Apply one desk action to each application and tell the caseworker what happened."""
    done, failed = [], []
    for application in applications:
        seen = seen_states.get(application.pk)
        try:
            if seen and seen != application.state:
                raise ApplicationConflict()
            if action.from_states and application.state not in action.from_states:
                raise ApplicationError(
                    _("“%(action)s” does not apply to an application that is “%(state)s”.")
                    % {"action": action.label, "state": A(application.state).label}
                )
            apply_action(request, action, application, message=message, assignee=assignee)
        except ApplicationError as error:
            failed.append((application, error.message))
        else:
            done.append(application)
    if done:
        messages.success(
            request,
            ngettext(
                "%(action)s: done for %(count)d application (%(references)s).",
                "%(action)s: done for %(count)d applications (%(references)s).",
                len(done),
            )
            % {
                "action": action.label,
                "count": len(done),
                "references": ", ".join(a.reference or str(a.pk) for a in done),
            },
        )
    for application, error in failed:
        messages.error(
            request,
            _("%(action)s failed for %(reference)s: %(error)s")
            % {
                "action": action.label,
                "reference": application.reference or application.pk,
                "error": error,
            },
        )
    return done, failed


def seen_states_from(post) -> dict[int, str]:
    states = {}
    for key, value in post.items():
        if key.startswith(SEEN_STATE_PREFIX) and value in A.values:
            try:
                states[int(key.removeprefix(SEEN_STATE_PREFIX))] = value
            except ValueError:
                continue
    return states


def make_changelist_action(action: DeskAction):
    def changelist_action(modeladmin, request, queryset):
        if request.POST.get("select_across") == "1":
            applications = list(queryset)
        else:
            # A selected application that has meanwhile left the queue is still reported.
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            applications = list(Application.objects.filter(pk__in=selected).order_by("pk"))
        seen_states = seen_states_from(request.POST)
        return modeladmin.run_with_form(request, action, applications, seen_states)

    changelist_action.__name__ = action.name
    return admin.action(description=action.label, permissions=["change"])(changelist_action)


# --- Filters ---------------------------------------------------------------------------------


class QueueFilter(SharedQueueFilter):
    """The desk's queue: the changelist opens on the submitted, unassigned applications."""

    TO_QUALIFY = "to_qualify"
    MINE = "mine"
    OPEN = "open"
    queues = [
        (TO_QUALIFY, _("To qualify: submitted and unassigned")),
        (MINE, _("Assigned to me")),
        (OPEN, _("Open")),
    ]
    default_queue = TO_QUALIFY

    def filter_queue(self, request, queryset, value):
        if value == self.TO_QUALIFY:
            return queryset.filter(state=A.SUBMITTED, assignee=None)
        if value == self.MINE:
            return queryset.filter(assignee=request.user)
        return queryset.filter(state__in=OPEN_STATES)


class SurfaceBandFilter(admin.SimpleListFilter):
    title = _("minimum surface")
    parameter_name = "surface_band"

    def lookups(self, request, model_admin):
        return [(code, SURFACE_BAND_LABELS.get(code, code)) for code, _lo, _hi in SURFACE_BANDS]

    def queryset(self, request, queryset):
        if self.value() in SURFACE_BAND_LABELS:
            return queryset.filter(surface_band_q(self.value()))
        return queryset


class AgeFilter(SharedAgeFilter):
    title = _("age since submission")
    field = "submitted_at"
    bands = [
        ("lt1m", _("Under 1 month"), None, 30),
        ("1-6m", _("1 to 6 months"), 30, 182),
        ("gt6m", _("Over 6 months"), 182, None),
    ]


# --- Inlines ---------------------------------------------------------------------------------


class ApplicationNoteInline(admin.TabularInline):
    """Internal notes: for the desk only, the holder never sees them."""

    model = ApplicationNote
    extra = 1
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ApplicationTransitionInline(ReadOnlyInline):
    """The application's history; only application_transition writes it."""

    model = ApplicationTransition
    fields = ["created_at", "actor", "from_state", "to_state", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ApplicationDocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ["title", "kind", "created_at"]
    readonly_fields = fields


# --- The application admin -------------------------------------------------------------------

WORKFLOW_FIELDS = {
    "reference",
    "organisation",
    "state",
    "closed_reason",
    "desk_message",
    "assignee",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "confirmed_at",
    "prefilled_from",
}
CONTENT_FIELDS = [
    f.name
    for f in Application._meta.concrete_fields
    if not f.primary_key and f.name not in WORKFLOW_FIELDS
]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    # Desk buttons on the change page (shared by the desk's admins).
    change_form_template = "admin/projects/application/change_form.html"
    list_display = [
        "reference",
        "title",
        "organisation",
        "state_column",
        "assignee",
        "surface_column",
        "submitted_at",
        "age_column",
    ]
    list_display_links = ["reference", "title"]
    list_select_related = ["organisation", "assignee"]
    list_filter = [
        QueueFilter,
        "state",
        "communes",
        "activity_types",
        SurfaceBandFilter,
        AgeFilter,
    ]
    search_fields = ["reference", "organisation__name", "title", "description"]
    ordering = ["submitted_at", "pk"]
    list_per_page = 50
    raw_id_fields = ["partners"]
    # Plain checkboxes: Django's filter_horizontal widget breaks ARIA rules (axe) and needs JS.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [ApplicationNoteInline, ApplicationDocumentInline, ApplicationTransitionInline]
    actions = [make_changelist_action(action) for action in DESK_ACTIONS]
    readonly_fields = [
        "reference",
        "organisation",
        "state",
        "assignee",
        "closed_reason",
        "desk_message",
        "submitted_at",
        "confirmed_at",
    ]
    fieldsets = [
        (
            _("Workflow"),
            {
                "fields": [
                    ("reference", "state", "assignee"),
                    "organisation",
                    "desk_message",
                    "closed_reason",
                    ("submitted_at", "confirmed_at"),
                ]
            },
        ),
        (
            _("Project"),
            {
                "fields": [
                    "title",
                    "summary",
                    "description",
                    "activity_types",
                    "intended_use",
                    "programme",
                    "partners",
                    "partners_text",
                ]
            },
        ),
        (
            _("Space and place"),
            {
                "fields": [
                    ("surface_min", "surface_ideal", "surface_max"),
                    ("space_kind", "several_units_ok"),
                    "communes",
                    ("anywhere", "wants_central", "wants_public_transport"),
                ]
            },
        ),
        (
            _("Time and money"),
            {
                "fields": [
                    "desired_start",
                    ("duration_value", "duration_unit", "duration_flexible"),
                    "tenure",
                    ("max_monthly_budget", "fitout_budget"),
                ]
            },
        ),
        (
            _("Use and neighbourhood"),
            {
                "classes": ["collapse"],
                "fields": [
                    "days_and_hours",
                    "public_access",
                    ("regular_users", "weekly_visitors", "max_event_attendance"),
                    "neighbourhood_value",
                    "local_partners",
                    "nuisance",
                    "consent_to_share",
                ],
            },
        ),
    ]

    @admin.display(description=_("state"), ordering="state")
    def state_column(self, obj: Application) -> str:
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            obj.get_state_display(),
            SEEN_STATE_PREFIX,
            obj.pk,
            obj.state,
        )

    @admin.display(description=_("surface (m²)"), ordering="surface_min")
    def surface_column(self, obj: Application) -> str:
        if obj.surface_min is None and obj.surface_max is None:
            return "–"

        def show(value):
            return "?" if value is None else number_format(value, 0, force_grouping=True)

        return f"{show(obj.surface_min)}–{show(obj.surface_max)}"

    @admin.display(description=_("age (days)"), ordering="submitted_at")
    def age_column(self, obj: Application) -> str:
        if obj.submitted_at is None:
            return "–"
        return str((timezone.now() - obj.submitted_at).days)

    def has_add_permission(self, request) -> bool:
        # Holders apply through the portal's form.
        return False

    def save_model(self, request, obj, form, change):
        # Never write the workflow columns from the form's copy: a transition made by someone
        # else since this page was loaded must survive this save.
        obj.save(update_fields=CONTENT_FIELDS)
        queue_suggestions(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is ApplicationNote:
            notes = formset.save(commit=False)
            for note in notes:
                if note.pk is None:
                    note.author = request.user
                note.save()
            for note in formset.deleted_objects:
                note.delete()
            return
        super().save_formset(request, form, formset, change)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "figures": demand_figures()}
        return super().changelist_view(request, extra_context)

    # --- Buttons on the change page ------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/desk-action/<str:action_name>/",
                self.admin_site.admin_view(self.desk_action_view),
                name="projects_application_desk_action",
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        application = self.get_object(request, object_id)
        if application is not None and self.has_change_permission(request, application):
            extra_context["desk_actions"] = [
                action
                for action in DESK_ACTIONS
                if not action.from_states or application.state in action.from_states
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def desk_action_view(self, request, object_id, action_name):
        application = get_object_or_404(Application, pk=object_id)
        action = DESK_ACTIONS_BY_NAME.get(action_name)
        if action is None or request.method != "POST":
            return redirect("admin:projects_application_change", application.pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        seen_states = {application.pk: request.POST.get("seen_state", application.state)}
        response = self.run_with_form(request, action, [application], seen_states)
        return response or redirect("admin:projects_application_change", application.pk)

    def run_with_form(self, request, action, applications, seen_states):
        if action.asks_message or action.asks_assignee:
            form = DeskActionForm(request.POST if "apply" in request.POST else None, action=action)
            if not form.is_valid():
                return self.desk_action_page(request, action, applications, form, seen_states)
            run_desk_action(
                request,
                action,
                applications,
                seen_states=seen_states,
                message=form.cleaned_data.get("message", ""),
                assignee=form.cleaned_data.get("assignee"),
            )
            return None
        run_desk_action(request, action, applications, seen_states=seen_states)
        return None

    def desk_action_page(self, request, action, applications, form, seen_states):
        context = {
            **self.admin_site.each_context(request),
            "title": action.label,
            "opts": self.model._meta,
            "action": action,
            "objects": applications,
            "form": form,
            "seen_states": [(a.pk, seen_states.get(a.pk, a.state)) for a in applications],
            "seen_state_prefix": SEEN_STATE_PREFIX,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "from_changelist": ACTION_CHECKBOX_NAME in request.POST,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/desk/action_page.html", context)
