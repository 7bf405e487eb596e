"""The owner's and the holder's side of a match: the proposals the desk sent them, and their
answers. URL patterns live in `matching.urls`.

An owner sees the matches proposed on their organisations' sites, a holder those proposed for
their organisations' applications; anyone else, caseworkers included (they use the admin),
gets a 404. Every change goes through one `matching.domain` function; a refusal is shown in
the user's language and changes nothing.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.files import private_file_response
from loket.organisations.selectors import current_organisation_ids
from loket.pagination import paginate
from projects.enums import DurationUnit
from properties.enums import VISIBLE_STATES, Publication
from properties.serializers import public_address, translated_text

from .domain import (
    MatchConflict,
    MatchError,
    match_answer,
    match_withdraw,
    visit_slot_confirm,
    visit_slot_propose,
)
from .enums import FINAL_STATES, VISIT_OFFER_STATES, MatchState, VisitState
from .forms import VisitSlotForm, decline_form, withdraw_form
from .models import Match, MatchTransition, VisitSlot
from .selectors import matches_for_holder, matches_for_owner

M = MatchState
# The desk's own steps before the proposal are not part of the owner's or holder's history:
# moves into them are left out, and the move out of them starts from this.
DESK_ONLY_STATES = (M.SUGGESTED, M.SHORTLISTED)
DESK_PREPARATION = pgettext_lazy(
    "match state, as the owner and the holder see it", "Prepared by the desk"
)


# The holder said yes: the match went on from their acceptance.
HOLDER_ACCEPTED_STATES = (
    M.HOLDER_ACCEPTED,
    M.VISIT_PLANNED,
    M.VISIT_DONE,
    M.AGREED,
    M.DRAFTING,
    M.SIGNED,
)


@dataclass(frozen=True)
class Proposal:
    """A match as one user sees it: as the owner, as the holder, or (rarely) as both."""

    match: Match
    as_owner: bool
    as_holder: bool

    @property
    def file_shared(self) -> bool:
        """The owner sees who the holder is only once the holder accepted and agreed."""
        return bool(
            self.as_owner
            and self.match.holder_consented_at
            and self.match.application.consent_to_share
        )

    @property
    def holder_has_accepted(self) -> bool:
        return self.match.state in HOLDER_ACCEPTED_STATES

    @property
    def can_answer(self) -> bool:
        state = self.match.state
        return (self.as_owner and state == M.PROPOSED_OWNER) or (
            self.as_holder and state == M.PROPOSED_HOLDER
        )

    @property
    def can_withdraw(self) -> bool:
        # While a side is asked, its "no" is a decline, not a withdrawal.
        return self.match.state not in FINAL_STATES and not self.can_answer

    @property
    def can_offer_slot(self) -> bool:
        return self.as_owner and self.match.state in VISIT_OFFER_STATES

    @property
    def can_confirm_slot(self) -> bool:
        return self.as_holder and self.match.state == M.HOLDER_ACCEPTED


def _org_ids(user) -> set[int]:
    return current_organisation_ids(user)


def _proposal_or_404(request, pk: int) -> Proposal:
    matches = (matches_for_owner(request.user) | matches_for_holder(request.user)).select_related(
        "site__commune", "application__organisation", "application__created_by"
    )
    match = get_object_or_404(matches, pk=pk)
    orgs = _org_ids(request.user)
    return Proposal(
        match=match,
        as_owner=match.site.owner_id in orgs and match.proposed_to_owner_at is not None,
        as_holder=match.application.organisation_id in orgs
        and match.proposed_to_holder_at is not None,
    )


def _with_site_title(match: Match, language: str) -> Match:
    match.site_title, match.site_title_language = translated_text(match.site, "title", language)
    return match


def _detail_url(match: Match):
    return redirect("matching:proposal_detail", pk=match.pk)


# --- The list --------------------------------------------------------------------------------


def _waiting_first(matches, waiting: Q):
    """The matches waiting for the reader's answer first, then the others still alive, then
    the finished ones; each group latest first. A page so starts with what needs doing."""
    order = Case(
        When(waiting, then=Value(0)),
        When(state__in=FINAL_STATES, then=Value(2)),
        default=Value(1),
    )
    return matches.annotate(waiting=Case(When(waiting, then=True), default=False)).order_by(
        order, "-updated_at", "-pk"
    )


def _side(request, matches, *, waiting: Q, param: str):
    page = paginate(request, _waiting_first(matches, waiting), param=param)
    language = get_language()
    rows = [_with_site_title(match, language) for match in page.object_list]
    return (
        page,
        rows,
        [match for match in rows if match.waiting],
        [match for match in rows if not match.waiting],
    )


@login_required
def proposal_list_view(request):
    """Each side (the reader's sites, the reader's applications) is paged on its own."""
    related = ("site", "application")
    owner_page, owner_matches, owner_waiting, owner_rest = _side(
        request,
        matches_for_owner(request.user).select_related(*related),
        waiting=Q(state=M.PROPOSED_OWNER),
        param="owner_page",
    )
    slots_to_confirm = VisitSlot.objects.filter(match=OuterRef("pk"), state=VisitState.PROPOSED)
    holder_page, holder_matches, holder_waiting, holder_rest = _side(
        request,
        matches_for_holder(request.user)
        .select_related(*related)
        .annotate(has_slots_to_confirm=Exists(slots_to_confirm)),
        waiting=Q(state=M.PROPOSED_HOLDER) | Q(state=M.HOLDER_ACCEPTED, has_slots_to_confirm=True),
        param="holder_page",
    )
    return render(
        request,
        "matching/portal/list.html",
        {
            "owner_page": owner_page,
            "owner_matches": owner_matches,
            "owner_waiting": owner_waiting,
            "owner_rest": owner_rest,
            "holder_page": holder_page,
            "holder_matches": holder_matches,
            "holder_waiting": holder_waiting,
            "holder_rest": holder_rest,
        },
    )


# --- The detail ------------------------------------------------------------------------------


def _duration(application) -> str:
    if not application.duration_value:
        return ""
    count = application.duration_value
    if application.duration_unit == DurationUnit.YEARS:
        return ngettext("%(count)s year", "%(count)s years", count) % {"count": count}
    return ngettext("%(count)s month", "%(count)s months", count) % {"count": count}


def _render_detail(request, proposal: Proposal, *, decline=None, withdraw=None, slot=None):
    match = proposal.match
    application = match.application
    site = _with_site_title(match, get_language()).site
    transitions = list(
        MatchTransition.objects.filter(match=match)
        .exclude(to_state__in=DESK_ONLY_STATES)
        .select_related("decline_reason")
    )
    for transition in transitions:
        transition.from_label = (
            DESK_PREPARATION
            if transition.from_state in DESK_ONLY_STATES
            else transition.get_from_state_display()
        )
    # The times still in play; those cancelled (another was confirmed) are folded away below.
    slots = list(match.visit_slots.all())
    context = {
        "proposal": proposal,
        "match": match,
        "site": site,
        "application": application,
        "site_is_public": site.state in VISIBLE_STATES and site.publication == Publication.PUBLIC,
        "address": public_address(site),
        "units": match.units.select_related("kind").order_by("position", "pk"),
        "transitions": transitions,
        "slots": [slot for slot in slots if slot.state != VisitState.CANCELLED],
        "cancelled_slots": [slot for slot in slots if slot.state == VisitState.CANCELLED],
        "decline_form": decline or decline_form(),
        "withdraw_form": withdraw or withdraw_form(),
        "slot_form": slot or VisitSlotForm(),
    }
    if proposal.as_owner:
        context.update(
            activity_types=application.activity_types.all(),
            duration=_duration(application),
        )
    if proposal.file_shared:
        context.update(
            documents=application.documents.all(),
            partners=application.partners.all(),
        )
    return render(request, "matching/portal/detail.html", context)


@login_required
def proposal_detail_view(request, pk: int):
    return _render_detail(request, _proposal_or_404(request, pk))


# --- Answers ---------------------------------------------------------------------------------


@login_required
@require_POST
def accept_view(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    try:
        match_answer(match=proposal.match, actor=request.user, accept=True)
    except MatchError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You accepted the proposal. The desk has been told."))
    return _detail_url(proposal.match)


def _with_reason(request, pk: int, *, form_factory, form_name: str, act, success):
    """Decline or withdraw: the reason form, one domain call, and the answer on the page. A
    conflict (someone acted first) is told as a message; any other refusal sits on the form."""
    proposal = _proposal_or_404(request, pk)
    form = form_factory(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, **{form_name: form})
    try:
        act(
            match=proposal.match,
            actor=request.user,
            decline_reason=form.cleaned_data["decline_reason"],
            reason=form.cleaned_data["reason"],
        )
    except MatchConflict as conflict:
        messages.error(request, conflict.message)
    except MatchError as error:
        form.add_error(None, error.message)
        return _render_detail(request, proposal, **{form_name: form})
    else:
        messages.success(request, success)
    return _detail_url(proposal.match)


def _decline(**kwargs):
    return match_answer(accept=False, **kwargs)


@login_required
@require_POST
def decline_view(request, pk: int):
    return _with_reason(
        request,
        pk,
        form_factory=decline_form,
        form_name="decline",
        act=_decline,
        success=_("You declined the proposal. The desk has been told."),
    )


@login_required
@require_POST
def withdraw_view(request, pk: int):
    return _with_reason(
        request,
        pk,
        form_factory=withdraw_form,
        form_name="withdraw",
        act=match_withdraw,
        success=_("You withdrew. The desk and the other side have been told."),
    )


# --- Visits ----------------------------------------------------------------------------------


@login_required
@require_POST
def slot_propose_view(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    form = VisitSlotForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, proposal, slot=form)
    try:
        slot = visit_slot_propose(
            match=proposal.match,
            actor=request.user,
            starts_at=form.starts_at,
            ends_at=form.ends_at,
            place=form.cleaned_data["place"],
        )
    except MatchError as error:
        form.add_error(None, error.message)
        return _render_detail(request, proposal, slot=form)
    messages.success(
        request,
        _("You offered a visit on %(when)s. The project holder can confirm it.")
        % {"when": date_format(timezone.localtime(slot.starts_at), "DATETIME_FORMAT")},
    )
    return _detail_url(proposal.match)


@login_required
@require_POST
def slot_confirm_view(request, pk: int, slot_pk: int):
    proposal = _proposal_or_404(request, pk)
    slot = get_object_or_404(VisitSlot, match=proposal.match, pk=slot_pk)
    try:
        slot = visit_slot_confirm(slot=slot, actor=request.user)
    except MatchError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The visit is planned. Everyone has been told."))
    return _detail_url(proposal.match)


# --- The holder's documents, for the owner once shared ---------------------------------------


@login_required
def document_view(request, pk: int, document_pk: int):
    proposal = _proposal_or_404(request, pk)
    if not proposal.file_shared:
        raise Http404
    document = get_object_or_404(proposal.match.application.documents, pk=document_pk)
    return private_file_response(
        document.file,
        content_type="application/pdf",
        filename=f"{slugify(document.title) or 'document'}.pdf",
    )
