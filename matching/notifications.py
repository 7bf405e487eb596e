"""Who hears of a match's change, and the outbox kinds that tell them."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.notifications import kinds
from loket.notifications.services import notify, notify_all

from .enums import MatchState, Side, VisitState
from .models import MatchTransition, VisitSlot

M = MatchState

# The outbox kind of each change that is told to someone.
KIND_OF = {
    M.PROPOSED_OWNER: "match_proposed",
    M.PROPOSED_HOLDER: "match_proposed",
    M.OWNER_ACCEPTED: "match_answer",
    M.OWNER_DECLINED: "match_answer",
    M.HOLDER_ACCEPTED: "match_answer",
    M.HOLDER_DECLINED: "match_answer",
    M.VISIT_PLANNED: "match_visit_planned",
    M.SIGNED: "match_signed",
    M.WITHDRAWN: "match_withdrawn",
}


def _members(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)
        .order_by("pk")
        .distinct()
    )


def recipients_for(transition: MatchTransition) -> list[tuple[User, str]]:
    """(user, audience) pairs; the audience is "owner", "holder" or "desk". Whoever made the
    change is not told of it."""
    match = transition.match
    to = transition.to_state
    owners = [(u, "owner") for u in _members(match.site.owner_id)]
    holders = [(u, "holder") for u in _members(match.application.organisation_id)]
    desk = [(match.caseworker, "desk")] if match.caseworker else []
    if to == M.PROPOSED_OWNER:
        chosen = owners
    elif to == M.PROPOSED_HOLDER:
        chosen = holders
    elif to in (M.OWNER_ACCEPTED, M.OWNER_DECLINED, M.HOLDER_ACCEPTED, M.HOLDER_DECLINED):
        chosen = desk
    elif to in (M.VISIT_PLANNED, M.SIGNED):
        chosen = owners + holders + desk
    elif to == M.WITHDRAWN:
        chosen = list(desk) if transition.side != Side.DESK else []
        if match.proposed_to_owner_at:
            chosen += owners
        if match.proposed_to_holder_at:
            chosen += holders
    else:
        chosen = []
    return [(user, audience) for user, audience in chosen if user != transition.actor]


def notify_transition(transition: MatchTransition) -> int:
    """Write the outbox rows for one change, inside its transaction. Returns how many."""
    kind = KIND_OF.get(transition.to_state)
    if kind is None:
        return 0
    recipients = recipients_for(transition)
    for user, audience in recipients:
        notify(
            recipient=user,
            kind=kind,
            context={"transition": transition.pk, "audience": audience},
            key=f"match-transition:{transition.pk}:{user.pk}",
        )
    return len(recipients)


def notify_visit_reminders(*, now=None) -> int:
    """The reminder the day before a confirmed visit, to the owner, the holder and the desk.
    Run hourly by beat: a visit is reminded when it is 12 to 36 hours away, once (the key
    names the slot), so the runs that see it again send nothing twice."""
    now = now or timezone.now()
    slots = VisitSlot.objects.filter(
        state=VisitState.CONFIRMED,
        match__state=M.VISIT_PLANNED,
        starts_at__gte=now + timedelta(hours=12),
        starts_at__lt=now + timedelta(hours=36),
    ).select_related("match__site", "match__application", "match__caseworker")
    written = 0
    for slot in slots:
        match = slot.match
        people = _members(match.site.owner_id)
        people += _members(match.application.organisation_id)
        if match.caseworker:
            people.append(match.caseworker)
        written += notify_all(
            [(user, "visit_reminder") for user in dict.fromkeys(people)],
            context={"slot": slot.pk},
            key=f"visit-reminder:{slot.pk}",
        )
    return written


def _load_visit(context: dict) -> dict | None:
    slot = (
        VisitSlot.objects.select_related("match__site", "match__application")
        .filter(pk=context["slot"], state=VisitState.CONFIRMED)
        .first()
    )
    if slot is None:
        return None
    return {"visit": slot, "match": slot.match}


def _load(context: dict) -> dict | None:
    transition = (
        MatchTransition.objects.select_related(
            "match__site", "match__application", "match__caseworker", "decline_reason"
        )
        .filter(pk=context["transition"])
        .first()
    )
    if transition is None:
        return None
    match = transition.match
    if context["audience"] == "desk":
        path = reverse("admin:matching_match_change", args=[match.pk])
    else:
        path = reverse("matching:proposal_detail", args=[match.pk])
    return {
        "transition": transition,
        "match": match,
        "audience": context["audience"],
        "link": settings.PORTAL_URL + path,
        "visit": match.visit_slots.filter(state=VisitState.CONFIRMED).first(),
    }


def register_kinds() -> None:
    template = "matching/email/match"
    for code, label, service in (
        ("match_proposed", _("A site or a project is proposed to you"), True),
        ("match_answer", _("An owner or a holder answered a proposal"), False),
        ("match_visit_planned", _("A visit is planned"), True),
        ("match_signed", _("An agreement is signed"), True),
        ("match_withdrawn", _("A proposal is withdrawn"), True),
    ):
        kinds.register(
            kinds.Kind(code=code, label=label, template=template, load=_load, service=service)
        )
    kinds.register(
        kinds.Kind(
            code="visit_reminder",
            label=_("A visit tomorrow"),
            template="matching/email/visit_reminder",
            load=_load_visit,
            service=True,
        )
    )
