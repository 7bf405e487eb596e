"""The occupation admin: the running agreement, its inlines and its three buttons."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loket.admin_desk import DeskAction, DeskAdmin, HistoryInline, ReadOnlyInline
from loket.organisations.models import Organisation

from ..domain import (
    occupation_end,
    occupation_extend,
    occupation_start_problems,
    occupation_transition,
    planning_warning,
)
from ..domain.occupations import WORKFLOW
from ..enums import (
    ACTIVE_OCCUPATION_STATES,
    ENDING_WITHIN_DAYS,
    ExtensionDecision,
)
from ..models import (
    Incident,
    IndicatorReport,
    InsuranceCertificate,
    Occupation,
    OccupationTransition,
    OccupationUnit,
    SteeringMeeting,
)
from .desk import DATE_INPUT, OS

# --- Occupations -----------------------------------------------------------------------------


class EndForm(forms.Form):
    """The end-of-occupation checklist."""

    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_INPUT)
    exit_inspection_on = forms.DateField(
        label=_("Exit inspection"), required=False, widget=DATE_INPUT
    )
    final_report = forms.CharField(
        label=_("Final report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )
    stays_in_future_project = forms.NullBooleanField(
        label=_("The occupant stays in the future project"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    extension_decision = forms.ChoiceField(
        label=_("Extension"),
        choices=ExtensionDecision.choices,
        required=False,
        initial=ExtensionDecision.NOT_EXTENDED,
    )


class ExtendForm(forms.Form):
    ends_on = forms.DateField(label=_("New planned end"), widget=DATE_INPUT)


OCCUPATION_ACTIONS = [
    DeskAction(
        "start_running",
        _("Start: the occupation is running"),
        OS.RUNNING,
        # Running again from running or ending is an extension, made by "extend".
        from_states=(OS.PREPARING,),
    ),
    DeskAction(
        "extend",
        _("Extend"),
        run=lambda occupation, actor, data: occupation_extend(
            occupation=occupation, actor=actor, ends_on=data["ends_on"]
        ),
        # No declared move (the extension keeps or restores the state): the states are here.
        from_states=ACTIVE_OCCUPATION_STATES,
        form=ExtendForm,
    ),
    DeskAction(
        "end",
        _("End, with the checklist"),
        OS.ENDED,
        lambda occupation, actor, data: occupation_end(occupation=occupation, actor=actor, **data),
        form=EndForm,
    ),
]


class OccupationUnitInline(ReadOnlyInline):
    model = OccupationUnit
    fields = ["unit", "starts_on", "ends_on"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


class OccupationTransitionInline(HistoryInline):
    model = OccupationTransition


class InsuranceCertificateInline(admin.TabularInline):
    model = InsuranceCertificate
    extra = 0


class SteeringMeetingInline(admin.TabularInline):
    model = SteeringMeeting
    extra = 0


class IncidentInline(admin.TabularInline):
    model = Incident
    extra = 0


class IndicatorReportInline(admin.TabularInline):
    model = IndicatorReport
    extra = 0


# What the desk edits on the form; the state, dates and the end belong to the domain.
OCCUPATION_EDITABLE = [
    "contract_type",
    "notice_months",
    "fee_monthly",
    "charges_monthly",
    "deposit",
    "planning_regime",
    "planning_notified_on",
    "permit_reference",
    "permit_expires_on",
    "fire_safety_status",
]


@admin.register(Occupation)
class OccupationAdmin(DeskAdmin):
    change_form_template = "admin/matching/occupation/change_form.html"
    workflow = WORKFLOW
    transition_function = staticmethod(occupation_transition)
    desk_actions = OCCUPATION_ACTIONS
    list_display = [
        "site",
        "occupants_column",
        "state_column",
        "starts_on",
        "ends_on",
        "ending_soon",
    ]
    list_select_related = ["site", "application"]
    list_filter = ["state"]
    search_fields = ["site__reference", "application__reference", "occupants__name"]
    ordering = ["-starts_on", "-pk"]
    list_per_page = 50
    inlines = [
        InsuranceCertificateInline,
        SteeringMeetingInline,
        IncidentInline,
        IndicatorReportInline,
        OccupationUnitInline,
        OccupationTransitionInline,
    ]
    readonly_fields = [
        "match_link",
        "site",
        "application",
        "occupants_column",
        "state",
        "starts_on",
        "ends_on",
        "extension_decision",
        "exit_inspection_on",
        "final_report",
        "stays_in_future_project",
        "ended_on",
    ]
    fieldsets = [
        (
            _("Occupation"),
            {
                "fields": [
                    ("site", "application"),
                    ("match_link", "state"),
                    "occupants_column",
                    ("starts_on", "ends_on"),
                ]
            },
        ),
        (
            _("Agreement"),
            {
                "fields": [
                    "contract_type",
                    "notice_months",
                    ("fee_monthly", "charges_monthly", "deposit"),
                ]
            },
        ),
        (
            _("Planning and safety"),
            {
                "fields": [
                    ("planning_regime", "planning_notified_on"),
                    ("permit_reference", "permit_expires_on"),
                    "fire_safety_status",
                ]
            },
        ),
        (
            _("End"),
            {
                "fields": [
                    ("extension_decision", "ended_on"),
                    ("exit_inspection_on", "stays_in_future_project"),
                    "final_report",
                ]
            },
        ),
    ]

    def has_add_permission(self, request) -> bool:
        # An occupation starts from a signed match.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def describe(self, occupation) -> str:
        return f"{occupation.site.reference} – {occupation.application.reference}"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("site", "application")
            .prefetch_related(
                Prefetch("occupants", queryset=Organisation.objects.only("pk", "name"))
            )
        )

    @admin.display(description=_("occupants"))
    def occupants_column(self, occupation: Occupation) -> str:
        return ", ".join(o.name for o in occupation.occupants.all()) or "–"

    @admin.display(description=_("ending soon"), boolean=True)
    def ending_soon(self, occupation: Occupation) -> bool:
        if occupation.ends_on is None or occupation.state not in ACTIVE_OCCUPATION_STATES:
            return False
        return occupation.ends_on <= timezone.localdate() + timedelta(days=ENDING_WITHIN_DAYS)

    @admin.display(description=_("match"))
    def match_link(self, occupation: Occupation) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_match_change", args=[occupation.match_id]),
            _("the match and its history"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        occupation = self.get_object(request, object_id)
        if occupation is not None:
            extra_context["planning_warning"] = planning_warning(occupation)
            if occupation.state == OS.PREPARING:
                extra_context["start_problems"] = occupation_start_problems(occupation)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.save(update_fields=[*OCCUPATION_EDITABLE, "updated_at"])
