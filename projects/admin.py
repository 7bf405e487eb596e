"""The desk's admin for applications: a queue that opens on the requests to qualify, filters,
demand figures, internal notes, and actions that call `projects.domain`. Nothing here sets a
state itself."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from loket.accounts.models import User
from loket.admin_desk import DeskAction, DeskAdmin, HistoryInline, ReadOnlyInline
from loket.admin_files import file_link
from loket.admin_filters import AgeFilter as SharedAgeFilter
from loket.admin_filters import QueueFilter as SharedQueueFilter

from .domain import (
    application_assign,
    application_mark_incomplete,
    application_qualify,
    application_transition,
    queue_suggestions,
)
from .domain.applications import WORKFLOW
from .enums import OPEN_STATES, SURFACE_BANDS, ApplicationState, ClosedReason
from .figures import SURFACE_BAND_LABELS, demand_figures, surface_band_q
from .models import Application, ApplicationDocument, ApplicationNote, ApplicationTransition
from .programme import ProgrammeRowsField

A = ApplicationState

# --- Desk actions ----------------------------------------------------------------------------


def staff_users():
    return User.objects.filter(is_staff=True, is_active=True).order_by("first_name", "last_name")


class HolderMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the holder"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "The holder sees this message on their dashboard; it is also kept in the "
            "application's history."
        ),
    )


class CloseReasonForm(forms.Form):
    message = forms.CharField(
        label=_("Reason (kept in the history)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )


class AssigneeForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Caseworker"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()


def close(closed_reason: str):
    def run(application, actor, data):
        application_transition(
            application=application,
            to_state=A.CLOSED,
            actor=actor,
            reason=data["message"],
            closed_reason=closed_reason,
        )

    return run


# Assigning is no move, so the workflow cannot say where it applies: open requests only.
DESK_ACTIONS = [
    DeskAction(
        "assign_to_me",
        _("Assign to me"),
        run=lambda application, actor, data: application_assign(
            application=application, actor=actor, assignee=actor
        ),
        from_states=OPEN_STATES,
    ),
    DeskAction(
        "assign_to",
        _("Assign to…"),
        run=lambda application, actor, data: application_assign(
            application=application, actor=actor, assignee=data["assignee"]
        ),
        from_states=OPEN_STATES,
        form=AssigneeForm,
    ),
    DeskAction(
        "qualify",
        _("Qualify"),
        A.QUALIFIED,
        run=lambda application, actor, data: application_qualify(
            application=application, actor=actor
        ),
    ),
    DeskAction(
        "mark_incomplete",
        _("Mark incomplete with a message"),
        A.INCOMPLETE,
        run=lambda application, actor, data: application_mark_incomplete(
            application=application, actor=actor, message=data["message"]
        ),
        form=HolderMessageForm,
    ),
    # Not from matched: that one searches again when its occupation is called off before it starts.
    DeskAction("start_searching", _("Start searching"), A.SEARCHING, from_states=(A.QUALIFIED,)),
    # Closing is for the requests the desk works on: not a draft, nor an occupying application,
    # which closes when its occupation ends.
    DeskAction(
        "close_ineligible",
        _("Close as ineligible"),
        A.CLOSED,
        run=close(ClosedReason.INELIGIBLE),
        from_states=OPEN_STATES,
        form=CloseReasonForm,
    ),
    DeskAction(
        "close_no_match",
        _("Close: no match"),
        A.CLOSED,
        run=close(ClosedReason.NO_MATCH),
        from_states=OPEN_STATES,
        form=CloseReasonForm,
    ),
]


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


class ApplicationTransitionInline(HistoryInline):
    model = ApplicationTransition


class ApplicationDocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ["title", "kind", "pdf", "created_at"]
    readonly_fields = fields

    @admin.display(description=ApplicationDocument._meta.get_field("file").verbose_name)
    def pdf(self, obj: ApplicationDocument) -> str:
        url = reverse("projects:holder_document", args=[obj.application_id, obj.pk])
        return file_link(obj.file, url)


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


class ApplicationAdminForm(forms.ModelForm):
    """The mixed programme as rows of a use and its share, not as JSON."""

    programme = ProgrammeRowsField()


@admin.register(Application)
class ApplicationAdmin(DeskAdmin):
    change_form_template = "admin/projects/application/change_form.html"
    form = ApplicationAdminForm
    workflow = WORKFLOW
    transition_function = staticmethod(application_transition)
    desk_actions = DESK_ACTIONS
    done_message = ngettext_lazy(
        "%(action)s: done for %(count)d application (%(references)s).",
        "%(action)s: done for %(count)d applications (%(references)s).",
        "count",
    )
    failed_message = _("%(action)s failed for %(reference)s: %(error)s")
    not_applicable_message = _("“%(action)s” does not apply to an application that is “%(state)s”.")
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
