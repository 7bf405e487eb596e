"""The match admin and the two candidate screens (sites for an application, applications
for a site). Every button calls one function of `matching.domain`; each posts the state the
caseworker saw, so when two caseworkers act at once exactly one wins and the other is told, in
their language, that someone else was faster."""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loket.admin_desk import DeskAction, DeskAdmin, HistoryInline, page_state
from loket.admin_filters import AgeFilter, QueueFilter
from loket.reference.models import DeclineReason
from projects.models import Application
from properties.models import Site, Unit

from ..domain import (
    MatchConflict,
    MatchError,
    match_answer,
    match_create,
    match_propose_to_holder,
    match_sign,
    match_transition,
    match_visit_done,
    match_withdraw,
    score_pair,
    stored_sharing,
    suggestions_refresh_for_application,
    suggestions_refresh_for_site,
    visit_slot_confirm,
    visit_slot_propose,
)
from ..domain.matches import WORKFLOW
from ..domain.occupations import TERMS
from ..enums import (
    FINAL_STATES,
    OPEN_STATES,
    VISIT_OFFER_STATES,
    Direction,
    VisitState,
)
from ..models import (
    Match,
    MatchTransition,
    Occupation,
    Suggestion,
    VisitSlot,
)
from .desk import DATE_INPUT, M, Names, as_pk, render_lines

# --- Forms of the match actions --------------------------------------------------------------


class ReasonForm(forms.Form):
    decline_reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=DeclineReason.objects.filter(is_active=True)
    )
    reason = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Kept in the history. Needed for some reasons, such as “other”."),
    )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the holder (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Shown to the owner and the holder with the proposal."),
    )


class VisitReportForm(forms.Form):
    report = forms.CharField(
        label=_("Visit report (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )


class SignForm(forms.ModelForm):
    """The agreement's terms. Only validated here: `match_sign` creates the occupation."""

    class Meta:
        model = Occupation
        fields = ["starts_on", *TERMS]
        widgets = dict.fromkeys(
            ("starts_on", "ends_on", "planning_notified_on", "permit_expires_on"), DATE_INPUT
        )


def _answer(accept: bool):
    def run(match, actor, data):
        match_answer(
            match=match,
            actor=actor,
            accept=accept,
            decline_reason=data.get("decline_reason"),
            reason=data.get("reason", ""),
        )

    return run


def _sign(match, actor, data):
    terms = {name: value for name, value in data.items() if name != "starts_on"}
    match_sign(match=match, actor=actor, starts_on=data["starts_on"], **terms)


MATCH_ACTIONS = [
    DeskAction("shortlist", _("Shortlist"), M.SHORTLISTED),
    DeskAction("propose_owner", _("Propose to the owner"), M.PROPOSED_OWNER),
    DeskAction("owner_accepts", _("Record: the owner accepts"), M.OWNER_ACCEPTED, _answer(True)),
    DeskAction(
        "owner_declines",
        _("Record: the owner declines"),
        M.OWNER_DECLINED,
        _answer(False),
        form=ReasonForm,
    ),
    DeskAction(
        "propose_holder",
        _("Propose to the holder"),
        M.PROPOSED_HOLDER,
        lambda match, actor, data: match_propose_to_holder(
            match=match, actor=actor, message=data.get("message", "")
        ),
        form=MessageForm,
    ),
    DeskAction("holder_accepts", _("Record: the holder accepts"), M.HOLDER_ACCEPTED, _answer(True)),
    DeskAction(
        "holder_declines",
        _("Record: the holder declines"),
        M.HOLDER_DECLINED,
        _answer(False),
        form=ReasonForm,
    ),
    DeskAction(
        "visit_done",
        _("Visit done"),
        M.VISIT_DONE,
        lambda match, actor, data: match_visit_done(
            match=match, actor=actor, report=data.get("report", "")
        ),
        form=VisitReportForm,
    ),
    DeskAction("agree", _("Mark as agreed"), M.AGREED),
    DeskAction("drafting", _("Start drafting the agreement"), M.DRAFTING),
    DeskAction("sign", _("Sign the agreement"), M.SIGNED, _sign, form=SignForm),
    DeskAction(
        "withdraw",
        _("Withdraw"),
        M.WITHDRAWN,
        lambda match, actor, data: match_withdraw(
            match=match,
            actor=actor,
            decline_reason=data["decline_reason"],
            reason=data.get("reason", ""),
        ),
        form=ReasonForm,
    ),
]


# --- Messages of the candidate screens -------------------------------------------------------


def recomputed(count: int) -> str:
    return ngettext(
        "Recomputed: %(count)d suggestion.", "Recomputed: %(count)d suggestions.", count
    ) % {"count": count}


def created(match: Match) -> str:
    return format_html(
        '{} <a href="{}">{}</a>',
        _("%(application)s ↔ %(site)s: %(state)s.")
        % {
            "application": match.application.reference,
            "site": match.site.reference,
            "state": match.get_state_display(),
        },
        reverse("admin:matching_match_change", args=[match.pk]),
        _("Open the match"),
    )


# --- Match filters ---------------------------------------------------------------------------


class MatchQueueFilter(QueueFilter):
    """The changelist opens on the open matches."""

    OPEN = "open"
    FINAL = "final"
    queues = [(OPEN, _("Open")), (FINAL, _("Signed, declined or withdrawn"))]
    default_queue = OPEN

    def filter_queue(self, request, queryset, value):
        return queryset.filter(state__in=OPEN_STATES if value == self.OPEN else FINAL_STATES)


class CaseworkerFilter(admin.SimpleListFilter):
    title = _("caseworker")
    parameter_name = "caseworker"

    def lookups(self, request, model_admin):
        return [("mine", _("Mine"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Anyone"),
        }
        yield from list(super().choices(changelist))[1:]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(caseworker=request.user)
        return queryset


class MatchAgeFilter(AgeFilter):
    title = _("age since created")
    field = "created_at"
    bands = [
        ("lt2w", _("Under 2 weeks"), None, 14),
        ("2w-2m", _("2 weeks to 2 months"), 14, 61),
        ("gt2m", _("Over 2 months"), 61, None),
    ]


# --- Match inlines ---------------------------------------------------------------------------


class MatchTransitionInline(HistoryInline):
    model = MatchTransition
    extra_fields = ("decline_reason",)


def name_date_and_time(field) -> None:
    """Name the date input and the time input of a split date-and-time field after the field:
    in a table row there is no room for their labels, and "Date:" alone says too little."""
    widget = field.widget
    if isinstance(widget, forms.MultiWidget) and len(widget.widgets) == 2:
        date, time = widget.widgets
        date.attrs["aria-label"] = _("%(field)s: date") % {"field": field.label}
        time.attrs["aria-label"] = _("%(field)s: time") % {"field": field.label}


class VisitSlotForm(forms.ModelForm):
    """A new row offers a time (`visit_slot_propose`); ticking “confirm” on an offered time
    plans the visit (`visit_slot_confirm`). Saved rows are not edited here. A tick sent from a
    page on which the time was still offered is kept, so that the domain says why it no longer
    can be confirmed, instead of the tick being dropped without a word."""

    confirm = forms.BooleanField(label=_("confirm this time"), required=False)

    class Meta:
        model = VisitSlot
        fields = ["starts_at", "ends_at", "place"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            name_date_and_time(self.fields[name])
        if self.instance.pk:
            for name in ("starts_at", "ends_at", "place"):
                self.fields[name].disabled = True
            confirm = self.fields["confirm"]
            ticked = confirm.widget.value_from_datadict(
                self.data, self.files, self.add_prefix("confirm")
            )
            confirm.disabled = self.instance.state != VisitState.PROPOSED and not ticked
        else:
            self.fields["confirm"].disabled = True


class VisitSlotFormSet(BaseInlineFormSet):
    # Set by VisitSlotInline.get_formset: who saves, and the match's state on their page.
    actor = None
    seen_state = None

    def new_slots(self):
        return [f for f in self.forms if not f.instance.pk and f.has_changed() and f.is_valid()]

    def slots_to_confirm(self):
        return [f.instance for f in self.forms if f.instance.pk and f.cleaned_data.get("confirm")]

    def clean(self):
        super().clean()
        # Ask the domain itself, and undo: the same checks as the real call in save_formset.
        for form in self.new_slots():
            if self.seen_state != self.instance.state:
                form.add_error(None, MatchConflict().message)
                continue
            try:
                with transaction.atomic():
                    self.propose(form)
                    transaction.set_rollback(True)
            except MatchError as error:
                form.add_error(None, error.message)

    def propose(self, form) -> VisitSlot:
        return visit_slot_propose(
            match=self.instance,
            actor=self.actor,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            place=form.cleaned_data.get("place", ""),
        )


class VisitSlotInline(admin.TabularInline):
    model = VisitSlot
    form = VisitSlotForm
    formset = VisitSlotFormSet
    extra = 1
    can_delete = False
    fields = ["starts_at", "ends_at", "place", "state", "proposed_by", "report", "confirm"]
    readonly_fields = ["state", "proposed_by", "report"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        formset.seen_state = page_state(request, obj) if obj is not None else None
        return formset

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            # Nothing to confirm on a read-only list (and a form-only field shown read-only
            # would be headed by its raw name).
            return [name for name in fields if name != "confirm"]
        return fields

    def has_add_permission(self, request, obj=None):
        # Times are offered while the holder can still take one: not before the owner agreed,
        # nor once the visit is planned or the match is over. In the state the page showed: a
        # row or a tick sent from a stale page reaches the seen-state check and is refused
        # with the reason, not dropped without a word.
        return obj is not None and page_state(request, obj) in VISIT_OFFER_STATES

    def has_change_permission(self, request, obj=None):
        return obj is not None and page_state(request, obj) in VISIT_OFFER_STATES


# --- The match admin -------------------------------------------------------------------------


@admin.register(Match)
class MatchAdmin(DeskAdmin):
    workflow = WORKFLOW
    transition_function = staticmethod(match_transition)
    desk_actions = MATCH_ACTIONS
    list_display = [
        "application_column",
        "site_column",
        "state_column",
        "caseworker",
        "score",
        "updated_at",
        "age_column",
    ]
    list_display_links = ["application_column", "site_column"]
    list_select_related = ["application", "site", "caseworker"]
    list_filter = [MatchQueueFilter, "state", CaseworkerFilter, MatchAgeFilter]
    search_fields = [
        "application__reference",
        "site__reference",
        "site__title_nl",
        "site__title_fr",
        "site__title_en",
        "application__organisation__name",
        "site__owner__name",
    ]
    ordering = ["-updated_at", "-pk"]
    list_per_page = 50
    inlines = [VisitSlotInline, MatchTransitionInline]
    readonly_fields = [
        "application_link",
        "site_link",
        "units_column",
        "state",
        "score",
        "created_at",
        "updated_at",
        "proposed_to_owner_at",
        "proposed_to_holder_at",
        "holder_consented_at",
        "decline_reason",
        "decline_text",
        "ended_by",
        "explanation_lines",
    ]
    fieldsets = [
        (
            _("Match"),
            {
                "fields": [
                    ("application_link", "site_link"),
                    "units_column",
                    ("state", "caseworker"),
                    ("score", "created_at", "updated_at"),
                ]
            },
        ),
        (_("Why this match"), {"fields": ["explanation_lines"]}),
        (
            _("Proposal"),
            {
                "fields": [
                    "message",
                    ("proposed_to_owner_at", "proposed_to_holder_at", "holder_consented_at"),
                ]
            },
        ),
        (_("End"), {"fields": [("decline_reason", "ended_by"), "decline_text"]}),
    ]

    def has_add_permission(self, request) -> bool:
        # A match starts from a suggestion, on the candidate screens.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def describe(self, match) -> str:
        return f"{match.application.reference} ↔ {match.site.reference}"

    def get_queryset(self, request):
        # The changelist skips list_select_related once a select_related is set here.
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("application"), ordering="application__reference")
    def application_column(self, match: Match) -> str:
        return match.application.reference or "–"

    @admin.display(description=_("site"), ordering="site__reference")
    def site_column(self, match: Match) -> str:
        return str(match.site)

    @admin.display(description=_("age (days)"), ordering="created_at")
    def age_column(self, match: Match) -> str:
        return str((timezone.now() - match.created_at).days)

    @admin.display(description=_("application"))
    def application_link(self, match: Match) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:projects_application_change", args=[match.application_id]),
            match.application,
            reverse("admin:matching_match_for_application", args=[match.application_id]),
            _("other sites for it"),
        )

    @admin.display(description=_("site"))
    def site_link(self, match: Match) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:properties_site_change", args=[match.site_id]),
            match.site,
            reverse("admin:matching_match_for_site", args=[match.site_id]),
            _("other applications for it"),
        )

    @admin.display(description=_("units"))
    def units_column(self, match: Match) -> str:
        return ", ".join(str(unit) for unit in match.units.all()) or "–"

    @admin.display(description=_("explanation when created"))
    def explanation_lines(self, match: Match) -> str:
        return render_lines(Names().explain(match.explanation))

    def save_model(self, request, obj, form, change):
        # The state and its dates belong to match_transition: a move made by someone else
        # since this page was loaded must survive this save.
        obj.save(update_fields=["caseworker", "message", "updated_at"])

    def save_formset(self, request, form, formset, change):
        """Each offered time and each confirmation is a desk step (`desk_call`), checked
        against the state the page showed; after a confirmation, against the state it left."""
        if formset.model is not VisitSlot:
            return super().save_formset(request, form, formset, change)
        match = form.instance
        seen = page_state(request, match)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for slot_form in formset.new_slots():
            slot = self.desk_call(
                request, partial(formset.propose, slot_form), obj=match, seen=seen
            )
            if slot is not None:
                formset.new_objects.append(slot)
        for slot in formset.slots_to_confirm():
            confirm = partial(visit_slot_confirm, slot=slot, actor=request.user)
            if self.desk_call(request, confirm, obj=match, seen=seen) is not None:
                formset.changed_objects.append((slot, ["state"]))
                match.refresh_from_db(fields=["state"])
                seen = match.state
        return None

    # --- The candidate screens -----------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "for-application/<int:pk>/",
                self.admin_site.admin_view(self.for_application_view),
                name="matching_match_for_application",
            ),
            path(
                "for-site/<int:pk>/",
                self.admin_site.admin_view(self.for_site_view),
                name="matching_match_for_site",
            ),
        ]
        return urls + super().get_urls()

    def for_application_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(Application.objects.select_related("organisation"), pk=pk)
        here = reverse("admin:matching_match_for_application", args=[pk])
        if request.method == "POST":
            self.candidate_post(request, application=application, site_id=request.POST.get("site"))
            return redirect(here)
        suggestions = list(
            Suggestion.objects.filter(
                direction=Direction.SITES_FOR_APPLICATION, application=application
            )
            .select_related("site")
            .order_by("rank")
        )
        open_matches = list(
            Match.objects.filter(application=application, state__in=OPEN_STATES)
            .select_related("site", "caseworker")
            .order_by("-updated_at")
        )
        names = Names()
        context = {
            **self.candidate_context(request, suggestions, open_matches, names, key="site_id"),
            "title": _("Candidate sites for %(application)s") % {"application": application},
            "application": application,
            "here": here,
            "check": self.check_site(request, application, names),
        }
        return TemplateResponse(request, "admin/matching/match/for_application.html", context)

    def for_site_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        site = get_object_or_404(Site.objects.select_related("owner"), pk=pk)
        here = reverse("admin:matching_match_for_site", args=[pk])
        if request.method == "POST":
            self.candidate_post(request, site=site, application_id=request.POST.get("application"))
            return redirect(here)
        suggestions = list(
            Suggestion.objects.filter(direction=Direction.APPLICATIONS_FOR_SITE, site=site)
            .select_related("application__organisation")
            .order_by("rank")
        )
        open_matches = list(
            Match.objects.filter(site=site, state__in=OPEN_STATES)
            .select_related("application", "caseworker")
            .order_by("-updated_at")
        )
        names = Names()
        context = {
            **self.candidate_context(
                request, suggestions, open_matches, names, key="application_id"
            ),
            "title": _("Candidate applications for %(site)s") % {"site": site},
            "site": site,
            "here": here,
            "sharing": self.sharing(site),
        }
        return TemplateResponse(request, "admin/matching/match/for_site.html", context)

    def candidate_context(self, request, suggestions, open_matches, names, *, key):
        units = Unit.objects.in_bulk({pk for s in suggestions for pk in s.unit_ids})
        in_match = {getattr(m, key): m for m in open_matches}
        rows = [
            {
                "suggestion": s,
                "units": [units[pk] for pk in s.unit_ids if pk in units],
                "lines": names.explain(s.lines),
                "match": in_match.get(getattr(s, key)),
            }
            for s in suggestions
        ]
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "rows": rows,
            "open_matches": open_matches,
            "can_match": request.user.has_perm("matching.add_match"),
        }

    def candidate_post(self, request, *, application=None, site=None, **ids):
        """“Recompute now”, or one click to shortlist or propose a pair: one domain call, a
        desk step like the buttons (`desk_call`), for those who may add matches."""
        do = request.POST.get("do")
        if do == "recompute":
            if application is not None:
                call = partial(suggestions_refresh_for_application, application_id=application.pk)
            else:
                call = partial(suggestions_refresh_for_site, site_id=site.pk)
            self.desk_call(request, call, permission="add_match", done=recomputed)
            return
        to_state = {"shortlist": M.SHORTLISTED, "propose": M.PROPOSED_OWNER}.get(do)
        if to_state is None:
            return
        if application is None:
            application = get_object_or_404(Application, pk=as_pk(ids.get("application_id")))
        else:
            site = get_object_or_404(Site, pk=as_pk(ids.get("site_id")))
        create = partial(
            match_create, application=application, site=site, actor=request.user, to_state=to_state
        )
        self.desk_call(request, create, permission="add_match", done=created)

    def check_site(self, request, application, names):
        """Why one particular site is (not) among the candidates: every failed hard filter."""
        reference = request.GET.get("site", "").strip()
        if not reference:
            return None
        site = Site.objects.filter(reference__iexact=reference).first()
        if site is None:
            return {"reference": reference, "site": None}
        result = score_pair(application=application, site=site)
        return {
            "reference": reference,
            "site": site,
            "excluded": result.excluded,
            "score": result.score,
            "lines": names.explain([line.as_dict() for line in result.lines]),
        }

    def sharing(self, site: Site):
        """The sharing stored by the site's last refresh (none before the first): no ranking
        on a GET."""
        plan = stored_sharing(site)
        if plan is None:
            return {"plan": None, "shares": [], "skipped": []}
        application_ids = [s.application_id for s in plan.shares] + list(plan.skipped)
        applications = Application.objects.select_related("organisation").in_bulk(application_ids)
        units = Unit.objects.in_bulk([pk for s in plan.shares for pk in s.unit_ids])
        return {
            "plan": plan,
            "shares": [
                {
                    "share": share,
                    "application": applications.get(share.application_id),
                    "units": [units[pk] for pk in share.unit_ids if pk in units],
                }
                for share in plan.shares
            ],
            "skipped": [applications[pk] for pk in plan.skipped if pk in applications],
        }
