"""Business actions on matches. The admin, the owner's and holder's pages and the tasks call
these; none sets `Match.state` itself."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.access import has_desk_powers
from loket.accounts.models import User
from loket.organisations.selectors import current_organisation_ids
from loket.reference.models import DeclineReason
from loket.workflow import Side, Workflow, record_start, transition
from projects.domain import application_transition
from projects.enums import ApplicationState
from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site, Unit

from ..enums import FINAL_STATES, VISIT_OFFER_STATES, MatchState, VisitState
from ..models import Match, MatchTransition, VisitSlot, VisitSlotTransition
from .errors import MatchConflict, MatchError, VisitSlotTaken
from .suggestions import score_pair

M = MatchState
V = VisitState
DESK, OWNER, HOLDER, SYSTEM = Side.DESK, Side.OWNER, Side.HOLDER, Side.SYSTEM

# (from, to) -> the sides that may make the move. The desk may act for either side (a phone
# call, a letter), and says so in the history.
ALLOWED = {
    ("", M.SUGGESTED): {DESK},  # match_create
    (M.SUGGESTED, M.SHORTLISTED): {DESK},
    (M.SUGGESTED, M.PROPOSED_OWNER): {DESK},
    (M.SHORTLISTED, M.PROPOSED_OWNER): {DESK},
    (M.PROPOSED_OWNER, M.OWNER_ACCEPTED): {OWNER, DESK},
    (M.PROPOSED_OWNER, M.OWNER_DECLINED): {OWNER, DESK},
    (M.OWNER_ACCEPTED, M.PROPOSED_HOLDER): {DESK},
    (M.PROPOSED_HOLDER, M.HOLDER_ACCEPTED): {HOLDER, DESK},
    (M.PROPOSED_HOLDER, M.HOLDER_DECLINED): {HOLDER, DESK},
    # Confirming a visit slot plans the visit.
    (M.HOLDER_ACCEPTED, M.VISIT_PLANNED): {HOLDER, OWNER, DESK},
    (M.VISIT_PLANNED, M.VISIT_DONE): {DESK},
    (M.VISIT_DONE, M.AGREED): {DESK},
    (M.AGREED, M.DRAFTING): {DESK},
    (M.DRAFTING, M.SIGNED): {DESK},
}
for _state in M:
    if _state not in FINAL_STATES:
        ALLOWED[(_state, M.WITHDRAWN)] = {DESK, OWNER, HOLDER}

# Moves that need a reason from the list.
NEEDS_REASON = {M.OWNER_DECLINED, M.HOLDER_DECLINED, M.WITHDRAWN}


def actor_sides(actor: User | None, match: Match) -> set[str]:
    """The sides `actor` may speak for on this match."""
    if actor is None:
        return {SYSTEM}
    if has_desk_powers(actor):
        return {DESK}
    orgs = current_organisation_ids(actor)
    sides = set()
    if match.site.owner_id in orgs:
        sides.add(OWNER)
    if match.application.organisation_id in orgs:
        sides.add(HOLDER)
    return sides


WORKFLOW = Workflow(
    model=Match,
    states=MatchState,
    allowed=ALLOWED,
    history=MatchTransition,
    history_fk="match",
    sides=actor_sides,
    error=MatchError,
    conflict=MatchConflict,
    refusal=_("A match cannot go from “%(from)s” to “%(to)s”."),
    notify="matching.notifications.notify_transition",
)

# A visit slot: offered by the desk or the owner, confirmed by the holder (or the desk for
# them); the others are cancelled by whoever confirmed.
SLOT_ALLOWED = {
    ("", V.PROPOSED): {DESK, OWNER},
    (V.PROPOSED, V.CONFIRMED): {DESK, HOLDER},
    (V.PROPOSED, V.CANCELLED): {DESK, HOLDER},
}

SLOT_WORKFLOW = Workflow(
    model=VisitSlot,
    states=VisitState,
    allowed=SLOT_ALLOWED,
    history=VisitSlotTransition,
    history_fk="slot",
    sides=lambda actor, slot: actor_sides(actor, slot.match),  # the match's people
    error=MatchError,
    # Two confirmations of one match's slots: the loser finds its slot taken or cancelled.
    conflict=VisitSlotTaken,
    refusal=_("A visit time cannot go from “%(from)s” to “%(to)s”."),
    touch=(),
)


@transaction.atomic
def match_transition(
    *,
    match: Match,
    to_state: str,
    actor: User,
    decline_reason: DeclineReason | None = None,
    reason: str = "",
    data: dict | None = None,
    **fields,
) -> Match:
    """The one way to change a match's state.

    Checks that the actor may speak for a side allowed to make the move and that a decline or
    withdrawal has its reason; then `loket.workflow.transition` swaps the state (exactly one
    of two concurrent callers wins, the other gets MatchConflict), saves `fields` with it,
    records a MatchTransition and writes the notifications to the outbox, sent after the commit.
    """
    side = WORKFLOW.side_for(actor, match, match.state, to_state)
    if to_state in NEEDS_REASON:
        if decline_reason is None:
            raise MatchError(_("Choose a reason from the list."))
        if decline_reason.needs_text and not reason.strip():
            raise MatchError(_("Explain the reason in a few words."))
        fields.update(decline_reason=decline_reason, decline_text=reason.strip())
    if to_state in FINAL_STATES and to_state != M.SIGNED:
        fields["ended_by"] = side
    now = timezone.now()
    if to_state == M.PROPOSED_OWNER:
        fields.setdefault("proposed_to_owner_at", now)
    if to_state == M.PROPOSED_HOLDER:
        fields.setdefault("proposed_to_holder_at", now)
    if to_state == M.HOLDER_ACCEPTED and match.application.consent_to_share:
        # The holder's consent on the application, confirmed by accepting this site.
        fields.setdefault("holder_consented_at", now)
    transition(
        WORKFLOW,
        record=match,
        to_state=to_state,
        actor=actor,
        reason=reason.strip(),
        data=data,
        fields=fields,
        history={"decline_reason": decline_reason},
        side=side,
    )
    return match


@transaction.atomic
def match_create(
    *,
    application: Application,
    site: Site,
    actor: User,
    units: list[Unit] | None = None,
    to_state: str = M.SUGGESTED,
    message: str = "",
) -> Match:
    """A caseworker takes a suggestion up: a new match, shortlisted or proposed at once.

    The score and its explanation are copied from the engine as they are now, so the history
    shows why the match was made even after the suggestions change.
    """
    if not has_desk_powers(actor):
        raise MatchError(_("Only the desk makes matches."))
    if site.state not in OFFERED_STATES:
        raise MatchError(_("This site is not on offer."))
    # Locked while the match is made: a second match for the same application at that moment
    # waits, then finds it searching already and leaves its state alone.
    application.state = (
        Application.objects.select_for_update()
        .values_list("state", flat=True)
        .get(pk=application.pk)
    )
    if application.state not in (
        ApplicationState.QUALIFIED,
        ApplicationState.SEARCHING,
    ):
        raise MatchError(_("Only qualified applications can be matched."))
    result = score_pair(application=application, site=site)
    try:
        with transaction.atomic():
            match = Match.objects.create(
                application=application,
                site=site,
                caseworker=actor,
                score=None if result.excluded else result.score,
                explanation=[line.as_dict() for line in result.lines],
                message=message,
            )
    except IntegrityError:
        raise MatchError(
            _("This site is already in an open match with this application.")
        ) from None
    unit_ids = [u.pk for u in units] if units is not None else list(result.unit_ids)
    match.units.set(Unit.objects.filter(site=site, pk__in=unit_ids))
    record_start(WORKFLOW, record=match, actor=actor)
    if application.state == ApplicationState.QUALIFIED:
        application_transition(
            application=application, to_state=ApplicationState.SEARCHING, actor=actor
        )
    if to_state == M.SHORTLISTED:
        match = match_transition(match=match, to_state=M.SHORTLISTED, actor=actor)
    elif to_state == M.PROPOSED_OWNER:
        match = match_transition(match=match, to_state=M.PROPOSED_OWNER, actor=actor)
    return match


def match_propose_to_holder(*, match: Match, actor: User, message: str = "") -> Match:
    fields = {"message": message} if message else {}
    return match_transition(match=match, to_state=M.PROPOSED_HOLDER, actor=actor, **fields)


def match_answer(
    *,
    match: Match,
    actor: User,
    accept: bool,
    decline_reason: DeclineReason | None = None,
    reason: str = "",
) -> Match:
    """The owner's or the holder's answer to a proposal: whichever side is being asked."""
    if match.state in FINAL_STATES:
        raise MatchError(_("This proposal is closed: %(state)s.") % {"state": M(match.state).label})
    if match.state == M.PROPOSED_OWNER:
        to_state = M.OWNER_ACCEPTED if accept else M.OWNER_DECLINED
    elif match.state == M.PROPOSED_HOLDER:
        to_state = M.HOLDER_ACCEPTED if accept else M.HOLDER_DECLINED
    else:
        raise MatchConflict()
    return match_transition(
        match=match,
        to_state=to_state,
        actor=actor,
        decline_reason=None if accept else decline_reason,
        reason=reason,
    )


def match_withdraw(*, match: Match, actor: User, decline_reason, reason: str = "") -> Match:
    return match_transition(
        match=match,
        to_state=M.WITHDRAWN,
        actor=actor,
        decline_reason=decline_reason,
        reason=reason,
    )


@transaction.atomic
def visit_slot_propose(
    *, match: Match, actor: User, starts_at, ends_at, place: str = ""
) -> VisitSlot:
    """The desk or the owner offers a time for the visit."""
    sides = actor_sides(actor, match)
    if not sides & {DESK, OWNER}:
        raise MatchError(_("Only the desk or the owner offers visit times."))
    # Locked, so a withdrawal at the same moment waits and the state read here holds.
    match = _locked_match(match.pk)
    if match.state not in VISIT_OFFER_STATES:
        raise MatchError(_("Visits are planned once the owner has accepted."))
    if ends_at <= starts_at:
        raise MatchError(_("A visit must end after it starts."))
    if starts_at <= timezone.now():
        raise MatchError(_("Choose a time in the future."))
    slot = VisitSlot.objects.create(
        match=match, starts_at=starts_at, ends_at=ends_at, place=place, proposed_by=actor
    )
    record_start(SLOT_WORKFLOW, record=slot, actor=actor)
    return slot


def _locked_match(pk: int) -> Match:
    """The match, row-locked until the transaction ends. Only the match's own row: its site and
    application are shared with other matches, and locking them would make those wait too."""
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("site", "application")
        .get(pk=pk)
    )


@transaction.atomic
def visit_slot_confirm(*, slot: VisitSlot, actor: User) -> VisitSlot:
    """The holder (or the desk for them) picks one slot: the visit is planned and the other
    slots are cancelled. A second click, or a second person, changes nothing but gets
    VisitSlotTaken.

    The match row is locked before any slot, as every action on a match's slots does: two
    confirmations of different slots would otherwise each hold their own slot and wait for the
    other's, and PostgreSQL would end one with a deadlock error. Behind the lock the second
    confirmation finds the match already planned and says someone else was faster.
    """
    match = _locked_match(slot.match_id)
    if not actor_sides(actor, match) & {DESK, HOLDER}:
        raise MatchError(_("The project holder confirms the visit."))
    if match.state == M.VISIT_PLANNED or slot.state != V.PROPOSED:
        raise VisitSlotTaken()
    slot.match = match
    confirmed = transition(
        SLOT_WORKFLOW,
        record=slot,
        to_state=V.CONFIRMED,
        actor=actor,
        fields={"confirmed_by": actor, "confirmed_at": timezone.now()},
    )
    match_transition(
        match=match,
        to_state=M.VISIT_PLANNED,
        actor=actor,
        data={"slot": slot.pk, "starts_at": slot.starts_at.isoformat()},
    )
    for other in match.visit_slots.filter(state=V.PROPOSED).order_by("pk"):
        other.match = match
        transition(
            SLOT_WORKFLOW,
            record=other,
            to_state=V.CANCELLED,
            actor=actor,
            data={"confirmed_slot": slot.pk},
            side=confirmed.side,
        )
    slot.refresh_from_db()
    return slot


@transaction.atomic
def match_visit_done(*, match: Match, actor: User, report: str = "") -> Match:
    """The visit took place: the state moves first, so a conflict leaves the report as it was."""
    match = match_transition(match=match, to_state=M.VISIT_DONE, actor=actor, reason=report)
    if report:
        match.visit_slots.filter(state=V.CONFIRMED).update(report=report)
    return match
