"""Signing an agreement, and the occupation that follows: the one place that moves an
occupation's state, and with it the site's and the application's."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket import formatting
from loket.accounts.access import has_desk_powers
from loket.accounts.models import User
from loket.workflow import Side, Workflow, record_start, transition
from projects.domain import application_transition
from projects.enums import ApplicationState, ClosedReason
from properties.domain import site_transition
from properties.enums import SiteState
from properties.models import Site, Unit

from ..enums import (
    ACTIVE_OCCUPATION_STATES,
    ENDING_WITHIN_DAYS,
    PLANNING_WARNING_DAYS,
    ExtensionDecision,
    InsuranceKind,
    MatchState,
    OccupationState,
)
from ..models import Match, Occupation, OccupationTransition, OccupationUnit
from .errors import MatchError, OccupationConflict, OccupationError, UnitsTaken
from .matches import match_transition

OS = OccupationState
DESK, SYSTEM = Side.DESK, Side.SYSTEM

# (from, to) -> who may make the move: the desk runs occupations; a daily task marks them
# ending.
ALLOWED = {
    ("", OS.PREPARING): {DESK},  # match_sign
    (OS.PREPARING, OS.RUNNING): {DESK},
    (OS.PREPARING, OS.ENDED): {DESK},  # called off before it started
    (OS.RUNNING, OS.ENDING): {DESK, SYSTEM},
    # Extended: the planned end moves; an ending occupation runs again.
    (OS.PREPARING, OS.PREPARING): {DESK},
    (OS.RUNNING, OS.RUNNING): {DESK},
    (OS.ENDING, OS.RUNNING): {DESK},
    (OS.RUNNING, OS.ENDED): {DESK},
    (OS.ENDING, OS.ENDED): {DESK},
}


def actor_sides(actor: User | None, occupation: Occupation) -> set[str]:
    if actor is None:
        return {SYSTEM}
    return {DESK} if has_desk_powers(actor) else set()


WORKFLOW = Workflow(
    model=Occupation,
    states=OccupationState,
    allowed=ALLOWED,
    history=OccupationTransition,
    history_fk="occupation",
    sides=actor_sides,
    error=OccupationError,
    conflict=OccupationConflict,
    refusal=_("An occupation cannot go from “%(from)s” to “%(to)s”."),
)

# The agreement's terms that `match_sign` copies onto the occupation.
TERMS = (
    "contract_type",
    "ends_on",
    "notice_months",
    "fee_monthly",
    "charges_monthly",
    "deposit",
    "planning_regime",
    "planning_notified_on",
    "permit_reference",
    "permit_expires_on",
    "fire_safety_status",
)


def overlapping_bookings(units, starts_on: datetime.date, ends_on: datetime.date | None):
    """Bookings of active occupations on `units` whose period meets [starts_on, ends_on]."""
    bookings = OccupationUnit.objects.filter(
        unit__in=units, occupation__state__in=ACTIVE_OCCUPATION_STATES
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        bookings = bookings.filter(starts_on__lte=ends_on)
    return bookings


@transaction.atomic
def match_sign(*, match: Match, actor: User, starts_on: datetime.date, **terms) -> Occupation:
    """The agreement is signed: the match becomes `signed`, its units are promised for the
    period, an occupation starts `preparing`, the application is `matched` and the site partly
    or fully occupied.

    The units' rows are locked first, so two agreements signed at once on the same units are
    taken one after the other and the second sees the first; on PostgreSQL the exclusion
    constraint on bookings refuses an overlap whatever path the rows took.
    """
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise TypeError(f"unknown terms: {sorted(unknown)}")
    ends_on = terms.get("ends_on")
    if ends_on is not None and ends_on < starts_on:
        raise MatchError(_("The end must not be before the start."))
    units = list(Unit.objects.select_for_update().filter(matches=match).order_by("pk"))
    if not units and match.site.units.exists():
        raise MatchError(_("Choose the units this agreement covers."))
    taken = overlapping_bookings(units, starts_on, ends_on).select_related("unit")
    if taken:
        raise UnitsTaken(sorted({b.unit.name for b in taken}))
    match = match_transition(match=match, to_state=MatchState.SIGNED, actor=actor)
    occupation = Occupation.objects.create(
        match=match,
        site=match.site,
        application=match.application,
        starts_on=starts_on,
        **terms,
    )
    occupation.occupants.set(
        [
            match.application.organisation_id,
            *match.application.partners.values_list("pk", flat=True),
        ]
    )
    try:
        with transaction.atomic():
            OccupationUnit.objects.bulk_create(
                [
                    OccupationUnit(
                        occupation=occupation, unit=u, starts_on=starts_on, ends_on=ends_on
                    )
                    for u in units
                ]
            )
    except IntegrityError:  # the exclusion constraint: someone booked these units meanwhile
        raise UnitsTaken([u.name for u in units]) from None
    record_start(WORKFLOW, record=occupation, actor=actor)
    application = match.application
    if application.state == ApplicationState.SEARCHING:
        application_transition(
            application=application, to_state=ApplicationState.MATCHED, actor=actor
        )
    site_sync_occupancy(site=match.site, actor=actor)
    return occupation


def site_sync_occupancy(*, site: Site, actor: User, today: datetime.date | None = None) -> Site:
    """Partly or fully occupied, or published again, after the site's bookings changed."""
    today = today or timezone.localdate()
    site = Site.objects.select_for_update().get(pk=site.pk)
    bookings = OccupationUnit.objects.filter(
        occupation__site=site, occupation__state__in=ACTIVE_OCCUPATION_STATES
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    active_here = Occupation.objects.filter(site=site, state__in=ACTIVE_OCCUPATION_STATES)
    unit_ids = set(site.units.values_list("pk", flat=True))
    if unit_ids:
        booked = set(bookings.values_list("unit_id", flat=True))
        target = (
            SiteState.FULLY_OCCUPIED
            if booked >= unit_ids
            else SiteState.PARTLY_OCCUPIED
            if booked
            else SiteState.PUBLISHED
        )
    else:  # a site let as a whole
        target = SiteState.FULLY_OCCUPIED if active_here.exists() else SiteState.PUBLISHED
    movable = (SiteState.PUBLISHED, SiteState.PARTLY_OCCUPIED, SiteState.FULLY_OCCUPIED)
    if site.state in movable and site.state != target:
        site = site_transition(site=site, to_state=target, actor=actor)
    return site


@transaction.atomic
def occupation_transition(
    *,
    occupation: Occupation,
    to_state: str,
    actor: User | None,
    reason: str = "",
    data: dict | None = None,
    **fields,
) -> Occupation:
    """The one way to change an occupation's state; it moves the application and the site
    along: running → the application is occupying; ended → the application is closed
    (occupation ended) or searching again if it never started, and the units are free."""
    from_state = occupation.state
    side = WORKFLOW.side_for(actor, occupation, from_state, to_state)
    if to_state == OS.RUNNING and from_state == OS.PREPARING:
        missing = occupation_start_problems(occupation)
        if missing:
            raise OccupationError(" ".join(str(m) for m in missing))
    transition(
        WORKFLOW,
        record=occupation,
        to_state=to_state,
        actor=actor,
        reason=reason,
        data=data,
        fields=fields,
        side=side,
    )
    application = occupation.application
    desk = actor if has_desk_powers(actor) else occupation.match.caseworker
    if to_state == OS.RUNNING and application.state == ApplicationState.MATCHED:
        application_transition(
            application=application, to_state=ApplicationState.OCCUPYING, actor=desk
        )
    if to_state == OS.ENDED:
        ended_on = fields.get("ended_on") or timezone.localdate()
        if from_state == OS.PREPARING:  # never started: the units were never used
            occupation.bookings.all().delete()
            if application.state == ApplicationState.MATCHED:
                application_transition(
                    application=application, to_state=ApplicationState.SEARCHING, actor=desk
                )
        else:
            # The units are free again from the day after the real end.
            occupation.bookings.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=ended_on)).update(
                ends_on=ended_on
            )
        if from_state != OS.PREPARING and application.state == ApplicationState.OCCUPYING:
            application_transition(
                application=application,
                to_state=ApplicationState.CLOSED,
                actor=desk,
                closed_reason=ClosedReason.OCCUPATION_ENDED,
            )
        site_sync_occupancy(
            site=occupation.site, actor=desk, today=ended_on + datetime.timedelta(1)
        )
    return occupation


def occupation_start_problems(occupation: Occupation, *, today=None) -> list:
    """What stops the occupation from running: a public-liability and fire insurance is
    compulsory when the place is open to the public."""
    today = today or timezone.localdate()
    problems = []
    if occupation.application.must_be_open_to_public or occupation.site.open_to_public:
        valid = occupation.insurance_certificates.filter(
            kind=InsuranceKind.LIABILITY_FIRE, expires_on__gte=today
        ).exists()
        if not valid:
            problems.append(
                _("Open to the public: add a valid public-liability and fire insurance first.")
            )
    return problems


def occupation_end(
    *, occupation: Occupation, actor: User, ended_on: datetime.date, **checklist
) -> Occupation:
    """End the occupation with its checklist: exit inspection, final report, whether the
    occupant stays in the future project and the extension decision."""
    allowed = {
        "exit_inspection_on",
        "final_report",
        "stays_in_future_project",
        "extension_decision",
    }
    unknown = set(checklist) - allowed
    if unknown:
        raise TypeError(f"unknown checklist fields: {sorted(unknown)}")
    if ended_on < occupation.starts_on and occupation.state != OS.PREPARING:
        raise OccupationError(_("The end must not be before the start."))
    return occupation_transition(
        occupation=occupation, to_state=OS.ENDED, actor=actor, ended_on=ended_on, **checklist
    )


@transaction.atomic
def occupation_extend(*, occupation: Occupation, actor: User, ends_on: datetime.date) -> Occupation:
    """An extension: the planned end moves, the units stay promised; an ending occupation runs
    again. A move like any other (running → running, recorded in the history).

    The row is locked and its state compared with the one the caller saw before anything is
    booked: an end at the same moment either comes first, and the extension is told someone
    else was faster, or waits, and then ends the extended occupation. The units of an ended
    occupation are never booked again.
    """
    locked = Occupation.objects.select_for_update().get(pk=occupation.pk)
    if locked.state != occupation.state:
        raise OccupationConflict()
    if locked.ends_on and ends_on <= locked.ends_on:
        raise OccupationError(_("An extension must end later than the current end."))
    others = overlapping_bookings(locked.units.all(), locked.ends_on or ends_on, ends_on).exclude(
        occupation=locked
    )
    if others.exists():
        raise UnitsTaken(sorted({b.unit.name for b in others.select_related("unit")}))
    previous_end = locked.ends_on
    occupation_transition(
        occupation=locked,
        to_state=OS.RUNNING if locked.state == OS.ENDING else locked.state,
        actor=actor,
        data={"ends_on": ends_on.isoformat(), "previous_end": _iso(previous_end)},
        ends_on=ends_on,
        extension_decision=ExtensionDecision.EXTENDED,
    )
    locked.bookings.update(ends_on=ends_on)
    for name in ("state", "ends_on", "extension_decision", "updated_at"):
        setattr(occupation, name, getattr(locked, name))
    return occupation


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def occupations_mark_ending(*, today: datetime.date | None = None) -> int:
    """Run daily: running occupations within 60 days of their planned end become `ending`.
    Idempotent: a second run finds nothing left to move."""
    today = today or timezone.localdate()
    due = Occupation.objects.filter(
        state=OS.RUNNING,
        ends_on__isnull=False,
        ends_on__lte=today + datetime.timedelta(days=ENDING_WITHIN_DAYS),
    ).select_related("application", "match", "site")
    moved = 0
    for occupation in due:
        try:
            occupation_transition(occupation=occupation, to_state=OS.ENDING, actor=None)
            moved += 1
        except OccupationConflict:
            continue  # someone else moved it meanwhile
    return moved


def planning_warning(occupation: Occupation, *, today=None) -> str | None:
    """A warning when the planning notification is still missing within 60 days of the start,
    or was recorded as sent later than the regime's notice (the exemptions ask for it 60 days
    ahead: sent 56 days before the start is too late). Dates are written the active language's
    way ("20 maart 2031")."""
    today = today or timezone.localdate()
    regime = occupation.planning_regime
    if regime is None or not regime.notice_days:
        return None
    due = occupation.starts_on - datetime.timedelta(days=regime.notice_days)
    notified_on = occupation.planning_notified_on
    if notified_on:
        if notified_on <= due or occupation.state == OS.ENDED:
            return None
        return str(
            _(
                "The planning notification was sent on %(date)s, after %(due)s: the planning "
                "regime asks for it %(days)s days before the start."
            )
            % {
                "date": formatting.day(notified_on),
                "due": formatting.day(due),
                "days": regime.notice_days,
            }
        )
    if occupation.state not in (OS.PREPARING,):
        return None
    if today < occupation.starts_on - datetime.timedelta(days=PLANNING_WARNING_DAYS):
        return None
    if today > due:
        return str(
            _("The planning notification was due on %(date)s and has not been recorded.")
            % {"date": formatting.day(due)}
        )
    return str(_("The planning notification is due by %(date)s.") % {"date": formatting.day(due)})
