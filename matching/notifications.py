"""Who hears of a match's change, and of an occupation's deadlines, and the outbox kinds that
tell them."""

import datetime
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.notifications import kinds
from loket.notifications.services import notify, notify_all
from loket.organisations.selectors import members_of
from loket.workflow import Side

from .domain import planning_warning
from .enums import (
    ACTIVE_OCCUPATION_STATES,
    PLANNING_WARNING_DAYS,
    MatchState,
    OccupationState,
    VisitState,
)
from .models import InsuranceCertificate, MatchTransition, Occupation, VisitSlot

M = MatchState
OS = OccupationState
# The holder and the desk hear this many days ahead that an insurance certificate expires.
INSURANCE_WARNING_DAYS = 30
# An occupation's end is told at these distances, each once; the nearer one wins when a run
# first sees the occupation inside both (say a contract signed 40 days before its end).
ENDING_THRESHOLDS = (30, 60)

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


def recipients_for(transition: MatchTransition) -> list[tuple[User, str]]:
    """(user, audience) pairs; the audience is "owner", "holder" or "desk". Whoever made the
    change is not told of it."""
    match = transition.match
    to = transition.to_state
    owners = [(u, "owner") for u in members_of(match.site.owner_id)]
    holders = [(u, "holder") for u in members_of(match.application.organisation_id)]
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
        people = members_of(match.site.owner_id)
        people += members_of(match.application.organisation_id)
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


# --- Occupations: the reminders a daily task sends --------------------------------------------


def _occupation_people(occupation: Occupation, *, owners: bool) -> list[tuple[User, str]]:
    """(user, audience) pairs: the owner's members if `owners`, the holder's members and the
    match's caseworker; each person once, under the first audience that names them."""
    people = [(u, "owner") for u in members_of(occupation.site.owner_id)] if owners else []
    people += [(u, "holder") for u in members_of(occupation.application.organisation_id)]
    caseworker = occupation.match.caseworker
    if caseworker is not None and caseworker.is_active:
        people.append((caseworker, "desk"))
    first: dict[User, str] = {}
    for user, audience in people:
        first.setdefault(user, audience)
    return list(first.items())


def _notify_occupation(
    occupation: Occupation, *, owners: bool, kind: str, context: dict, key: str
) -> int:
    """One event of an occupation, told to its people in one transaction."""
    people = _occupation_people(occupation, owners=owners)
    with transaction.atomic():
        for user, audience in people:
            notify(
                recipient=user,
                kind=kind,
                context={**context, "audience": audience},
                key=f"{key}:{user.pk}",
            )
    return len(people)


def _occupations():
    return Occupation.objects.select_related(
        "site", "application", "match__caseworker", "planning_regime"
    ).order_by("pk")


def notify_planning_due(*, today: datetime.date | None = None) -> int:
    """The planning notification is still missing within 60 days of the start: the holder's
    members and the caseworker hear it once per occupation, when the admin starts warning
    (the same rule, `planning_warning`)."""
    today = today or timezone.localdate()
    candidates = _occupations().filter(
        state=OS.PREPARING,
        planning_notified_on__isnull=True,
        planning_regime__notice_days__gt=0,
        starts_on__lte=today + timedelta(days=PLANNING_WARNING_DAYS),
    )
    written = 0
    for occupation in candidates:
        if planning_warning(occupation, today=today) is None:
            continue
        written += _notify_occupation(
            occupation,
            owners=False,
            kind="occupation_planning_due",
            context={"occupation": occupation.pk},
            key=f"occupation-planning-due:{occupation.pk}",
        )
    return written


def _later_certificate():
    """A certificate of the same occupation and kind that runs longer (or as long, and was
    added later): the one to look at instead."""
    return InsuranceCertificate.objects.filter(
        occupation=OuterRef("occupation"), kind=OuterRef("kind")
    ).filter(
        Q(expires_on__gt=OuterRef("expires_on"))
        | Q(expires_on=OuterRef("expires_on"), pk__gt=OuterRef("pk"))
    )


def notify_insurance_expiring(*, today: datetime.date | None = None) -> int:
    """The latest certificate of a kind an occupation holds expires within 30 days: the
    holder's members and the caseworker hear it once per certificate. A renewed certificate
    (a later one of the same kind) silences the old one."""
    today = today or timezone.localdate()
    certificates = (
        InsuranceCertificate.objects.filter(
            occupation__state__in=ACTIVE_OCCUPATION_STATES,
            expires_on__range=(today, today + timedelta(days=INSURANCE_WARNING_DAYS)),
        )
        .exclude(Exists(_later_certificate()))
        .select_related(
            "occupation__site", "occupation__application", "occupation__match__caseworker"
        )
        .order_by("pk")
    )
    written = 0
    for certificate in certificates:
        written += _notify_occupation(
            certificate.occupation,
            owners=False,
            kind="occupation_insurance_expiring",
            context={
                "certificate": certificate.pk,
                "expires_on": certificate.expires_on.isoformat(),
            },
            # The date is part of the event: a certificate whose date is corrected is reminded
            # again when the new date comes near.
            key=f"occupation-insurance-expiring:{certificate.pk}:{certificate.expires_on}",
        )
    return written


def ending_threshold(ends_on: datetime.date, today: datetime.date) -> int | None:
    """The nearest threshold (30 or 60 days) the end is within, or None (past, or further)."""
    days = (ends_on - today).days
    return next((t for t in ENDING_THRESHOLDS if 0 <= days <= t), None)


def notify_occupations_ending(*, today: datetime.date | None = None) -> int:
    """A running or ending occupation ends within 60 days, then within 30: the owner's and
    the holder's members and the caseworker hear each once. The key holds the threshold and
    the planned end, so an extension starts the count again."""
    today = today or timezone.localdate()
    occupations = _occupations().filter(
        state__in=(OS.RUNNING, OS.ENDING),
        ends_on__range=(today, today + timedelta(days=max(ENDING_THRESHOLDS))),
    )
    written = 0
    for occupation in occupations:
        threshold = ending_threshold(occupation.ends_on, today)
        written += _notify_occupation(
            occupation,
            owners=True,
            kind="occupation_ending",
            context={
                "occupation": occupation.pk,
                "threshold": threshold,
                "ends_on": occupation.ends_on.isoformat(),
            },
            key=f"occupation-ending:{occupation.pk}:{threshold}:{occupation.ends_on.isoformat()}",
        )
    return written


def notify_occupation_reminders(*, today: datetime.date | None = None) -> int:
    """The daily reminders about occupations: planning notification, insurance, the end."""
    today = today or timezone.localdate()
    return (
        notify_planning_due(today=today)
        + notify_insurance_expiring(today=today)
        + notify_occupations_ending(today=today)
    )


def _occupation_context(occupation: Occupation, audience: str) -> dict:
    """What every occupation message shows, with the link for its reader: the occupation in
    the admin for the desk, the site or the application on the portal for the two sides."""
    if audience == "desk":
        path = reverse("admin:matching_occupation_change", args=[occupation.pk])
    elif audience == "owner":
        path = reverse("properties:owner_site", args=[occupation.site_id])
    else:
        path = reverse("projects:holder_application", args=[occupation.application_id])
    return {
        "occupation": occupation,
        "site": occupation.site,
        "application": occupation.application,
        "audience": audience,
        "link": settings.PORTAL_URL + path,
    }


def _load_planning_due(context: dict) -> dict | None:
    """None once the notification is recorded (even late, which the admin still warns about)
    or the occupation started or was called off."""
    occupation = _occupations().filter(pk=context["occupation"]).first()
    if (
        occupation is None
        or occupation.planning_notified_on is not None
        or planning_warning(occupation) is None
    ):
        return None
    regime = occupation.planning_regime
    due = occupation.starts_on - timedelta(days=regime.notice_days)
    return {
        **_occupation_context(occupation, context["audience"]),
        "regime": regime,
        "due": due,
        "overdue": due < timezone.localdate(),
    }


def _load_insurance_expiring(context: dict) -> dict | None:
    """None once the certificate is renewed, gone or its date changed, or the occupation ended."""
    certificate = (
        InsuranceCertificate.objects.filter(
            pk=context["certificate"], occupation__state__in=ACTIVE_OCCUPATION_STATES
        )
        .filter(**({"expires_on": context["expires_on"]} if "expires_on" in context else {}))
        .exclude(Exists(_later_certificate()))
        .first()
    )
    if certificate is None:
        return None
    occupation = _occupations().get(pk=certificate.occupation_id)
    return {**_occupation_context(occupation, context["audience"]), "certificate": certificate}


def _load_ending(context: dict) -> dict | None:
    """None once the occupation ended or its end moved (an extension)."""
    occupation = (
        _occupations()
        .filter(
            pk=context["occupation"],
            state__in=(OS.RUNNING, OS.ENDING),
            ends_on=context["ends_on"],
        )
        .first()
    )
    if occupation is None:
        return None
    return {
        **_occupation_context(occupation, context["audience"]),
        "threshold": context["threshold"],
    }


def register_kinds() -> None:
    template = "matching/email/match"
    sides, desk, everyone = ("owner", "holder"), ("caseworker",), ("owner", "holder", "caseworker")
    for code, label, service, roles in (
        ("match_proposed", _("A site or a project is proposed to you"), True, sides),
        ("match_answer", _("An owner or a holder answered a proposal"), False, desk),
        ("match_visit_planned", _("A visit is planned"), True, everyone),
        ("match_signed", _("An agreement is signed"), True, everyone),
        ("match_withdrawn", _("A proposal is withdrawn"), True, everyone),
    ):
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                template=template,
                load=_load,
                service=service,
                roles=roles,
            )
        )
    kinds.register(
        kinds.Kind(
            code="visit_reminder",
            label=_("A visit tomorrow"),
            template="matching/email/visit_reminder",
            load=_load_visit,
            service=True,
            roles=("owner", "holder", "caseworker"),
        )
    )
    everyone, holder_and_desk = ("owner", "holder", "caseworker"), ("holder", "caseworker")
    for code, label, load, roles in (
        ("occupation_planning_due", _("The planning notification of an occupation is due"),
         _load_planning_due, holder_and_desk),
        ("occupation_insurance_expiring", _("An occupation's insurance certificate expires"),
         _load_insurance_expiring, holder_and_desk),
        ("occupation_ending", _("An occupation ends in 60 days, then in 30 days"),
         _load_ending, everyone),
    ):  # fmt: skip
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                template=f"matching/email/{code}",
                load=load,
                # About the reader's own occupation and its obligations: always sent.
                service=True,
                roles=roles,
            )
        )
