"""Demo matches and occupations for `seed_demo`: the desk's matchmaking in every state.

The demo applications of `projects.demo` are drawn at random and few of them fit a published
demo site, so this module adds a small set of applications written for the matchmaking demo
(marker "[demo-match:M01]" in their references), each aimed at one published demo site. They
are built like the other demo applications: created and filled in as a draft, submitted by the
demo holder and qualified by the demo caseworker. Every match is then picked from the
engine's ranking (`rank_sites`), so its score and explanation are real, and walked to its
demo state through the domain functions only, so the history reads like the desk's work.

A match is found again by its application and site, so running the seed again adds nothing.
Dates are relative to today: a running occupation started some months ago, the ending one
ends within 60 days, the preparing one starts within 60 days.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.demo import DemoPeople
from loket.organisations.models import Organisation
from loket.reference.models import ActivityType, ContractType, DeclineReason, PlanningRegime
from projects.domain import application_create, application_qualify, application_submit
from projects.enums import DurationUnit, PublicAccess, SpaceKind, Tenure
from projects.models import Application
from properties.models import Site

from .domain import (
    match_answer,
    match_create,
    match_propose_to_holder,
    match_sign,
    match_transition,
    match_visit_done,
    match_withdraw,
    occupation_transition,
    occupations_mark_ending,
    rank_sites,
    visit_slot_confirm,
    visit_slot_propose,
)
from .enums import IncidentSeverity, InsuranceKind, MatchState, OccupationState
from .models import Incident, IndicatorReport, InsuranceCertificate, Match, SteeringMeeting

M = MatchState
OS = OccupationState
HOLDER_ORG = "Collectif Canal Créatif"  # the demo holder's organisation
APPLICATION_PREFIX = "[demo-match:"
DAY = datetime.timedelta(days=1)


@dataclass
class Scenario:
    key: str  # "01": the application marker "[demo-match:M01]"
    state: str  # the match's demo state
    organisation: str  # the applicant's name
    site: str  # the demo site aimed at (its internal reference)
    title: str
    codes: tuple  # activity codes, all allowed on the site
    surface: tuple  # min, ideal, max m²
    budget: int
    message: str
    public: str = PublicAccess.CLOSED
    space_kind: str = SpaceKind.BUILDING
    duration: int = 18  # months
    # Signed ones: the occupation's demo state, and its start and end in days from today.
    occupation: str = ""
    starts_in: int = 0
    ends_in: int = 0
    extra: dict = field(default_factory=dict)


SCENARIOS = [
    Scenario(
        "01", M.SUGGESTED, "Atelier Molenbeek Makers", "DEMO-042",
        "Two small studios for the makers' residency", ("studios",), (60, 75, 90), 900,
        "The two attic studios in Forest fit the residency's size.",
    ),
    Scenario(
        "02", M.SHORTLISTED, "Jeugdhuis De Brug", "DEMO-032",
        "Homework club and youth office", ("social", "education"), (200, 260, 320), 600,
        "Small office building with a garden; to discuss with the owner next week.",
    ),
    Scenario(
        "03", M.PROPOSED_OWNER, "Théâtre du Midi", "DEMO-030",
        "Rehearsal floor and set workshop", ("cultural", "studios"), (600, 700, 900), 3000,
        "A theatre company for the ground floor of the printing works: rehearsals and sets, "
        "no public performances.",
    ),
    Scenario(
        "04", M.OWNER_ACCEPTED, "Repair Café Anderlecht", "DEMO-015",
        "Repair workshop in a garage", ("crafts", "circular"), (300, 450, 600), 400,
        "The garage suits a repair workshop: pit, large door, low charges.",
    ),
    Scenario(
        "05", M.OWNER_DECLINED, "Les Ateliers du Textile", "DEMO-018",
        "Textile shop window", ("economic",), (80, 120, 150), 2500,
        "A textile cooperative's shop and workroom.", public=PublicAccess.OPEN,
    ),
    Scenario(
        "06", M.PROPOSED_HOLDER, HOLDER_ORG, "DEMO-008",
        "Workshops for the canal's makers", ("studios", "crafts"), (350, 420, 500), 2500,
        "Werkplaats A (420 m²) under the shed roofs, with three-phase power. The owner agrees; "
        "do you want to visit it?",
    ),
    Scenario(
        "07", M.HOLDER_ACCEPTED, "Collectif Musique Nomade", "DEMO-020",
        "Concert hall for nomadic musicians", ("cultural",), (300, 400, 500), 900,
        "The old cinema in Jette for rehearsals and small concerts.", public=PublicAccess.OPEN,
    ),
    Scenario(
        "08", M.HOLDER_DECLINED, "Sportclub Kanaal", "DEMO-013",
        "Indoor pitch for the winter season", ("sport",), (2000, 2600, 3000), 5000,
        "The logistics hall in Evere has the height for indoor football.",
    ),
    Scenario(
        "09", M.VISIT_PLANNED, HOLDER_ORG, "DEMO-022",
        "Studios and a public workshop floor", ("studios", "crafts"), (600, 800, 1000), 2500,
        "The ground floor of the former factory: studios and a workshop open on Saturdays.",
        public=PublicAccess.OPEN,
    ),
    Scenario(
        "10", M.VISIT_DONE, "Collectif Logement Solidaire", "DEMO-040",
        "Transit housing for three families", ("transit_housing",), (250, 340, 400), 1500,
        "The villa for three families waiting for social housing.",
        extra={"overnight_stay": True, "housing_people": 12},
    ),
    Scenario(
        "11", M.AGREED, "Stadsboerderij Neerpede", "DEMO-017",
        "Vegetable garden with a school", ("agriculture", "education"), (1000, 1400, 1800), 200,
        "The walled plot with its well, for vegetables and school visits.",
        space_kind=SpaceKind.LAND,
    ),
    Scenario(
        "12", M.DRAFTING, "Circulair Hout Brussel", "DEMO-007",
        "Reclaimed-timber store", ("circular", "crafts"), (800, 950, 1100), 2500,
        "The warehouse with its loading dock for the reclaimed timber.",
    ),
    Scenario(
        "13", M.WITHDRAWN, "Théâtre du Midi", "DEMO-026",
        "Box office and rehearsal rooms", ("social", "education"), (150, 200, 300), 500,
        "The former counters in Saint-Josse for the theatre's school workshops.",
        public=PublicAccess.OPEN,
    ),
    Scenario(
        "14", M.SIGNED, HOLDER_ORG, "DEMO-028",
        "Neighbourhood gallery and café", ("cultural", "social"), (150, 210, 250), 2500,
        "The shop floor on the Leuvensesteenweg for the gallery.", public=PublicAccess.OPEN,
        occupation=OS.RUNNING, starts_in=-150, ends_in=400,
    ),
    Scenario(
        "15", M.SIGNED, "Les Ateliers du Textile", "DEMO-033",
        "Sewing workshop and repair counter", ("crafts", "economic"), (450, 580, 650), 2500,
        "The garage and its showroom for the sewing workshop.",
        occupation=OS.RUNNING, starts_in=-90, ends_in=275,
    ),
    Scenario(
        "16", M.SIGNED, "Repair Café Anderlecht", "DEMO-024",
        "Repair counter and tool library", ("social", "economic"), (100, 140, 160), 900,
        "The small shop with its upper floor for the tool library.",
        occupation=OS.ENDING, starts_in=-330, ends_in=35,
    ),
    Scenario(
        "17", M.SIGNED, "Jeugdhuis De Brug", "DEMO-011",
        "Youth house in a town house", ("social", "education"), (250, 300, 350), 2000,
        "The town house with its garden for the youth house.",
        occupation=OS.PREPARING, starts_in=45, ends_in=45 + 365,
    ),
]  # fmt: skip

# The path of each demo state, after the match is created as suggested.
PATHS = {
    M.SUGGESTED: [],
    M.SHORTLISTED: [M.SHORTLISTED],
    M.PROPOSED_OWNER: [M.SHORTLISTED, M.PROPOSED_OWNER],
    M.OWNER_ACCEPTED: [M.SHORTLISTED, M.PROPOSED_OWNER, M.OWNER_ACCEPTED],
    M.OWNER_DECLINED: [M.SHORTLISTED, M.PROPOSED_OWNER, M.OWNER_DECLINED],
    M.PROPOSED_HOLDER: [M.PROPOSED_OWNER, M.OWNER_ACCEPTED, M.PROPOSED_HOLDER],
}
_MAIN = [
    M.SHORTLISTED,
    M.PROPOSED_OWNER,
    M.OWNER_ACCEPTED,
    M.PROPOSED_HOLDER,
    M.HOLDER_ACCEPTED,
    M.VISIT_PLANNED,
    M.VISIT_DONE,
    M.AGREED,
    M.DRAFTING,
    M.SIGNED,
]
for _state in _MAIN[4:]:
    PATHS[_state] = _MAIN[: _MAIN.index(_state) + 1]
PATHS[M.HOLDER_DECLINED] = [*_MAIN[:4], M.HOLDER_DECLINED]
PATHS[M.WITHDRAWN] = [*_MAIN[:5], M.WITHDRAWN]


def demo_matches():
    """The demo's matches: those of the applications it wrote for them."""
    return Match.objects.filter(application__references_text__startswith=APPLICATION_PREFIX)


def application_marker(key: str) -> str:
    return f"{APPLICATION_PREFIX}M{key}]"


def seed_demo(people: DemoPeople) -> str:
    """`seed_demo`'s hook (`loket.demo`)."""
    matches, occupations = build_demo_matches(
        caseworker=people.users[Role.CASEWORKER],
        owner_user=people.users[Role.OWNER],
        holder_user=people.users[Role.HOLDER],
    )
    return f"{len(matches)} demo matches and {len(occupations)} occupations are ready."


def build_demo_matches(
    *, caseworker: User, owner_user: User, holder_user: User
) -> tuple[list[Match], list]:
    """Create the demo matches (and their occupations) that do not exist yet. Returns every
    demo match and every demo occupation."""
    return _build(caseworker=caseworker, owner_user=owner_user, holder_user=holder_user)


def _build(*, caseworker: User, owner_user: User, holder_user: User):
    today = timezone.localdate()
    activities = {item.code: item for item in ActivityType.objects.all()}
    built = []
    for scenario in SCENARIOS:
        site = Site.objects.filter(internal_reference=scenario.site).first()
        organisation = Organisation.objects.filter(name=scenario.organisation).first()
        if site is None or organisation is None:
            continue
        application = _application(
            scenario,
            site=site,
            organisation=organisation,
            holder=holder_user,
            caseworker=caseworker,
            activities=activities,
            today=today,
        )
        match = _match(scenario, application=application, site=site, caseworker=caseworker)
        if match is not None:
            built.append((scenario, match))
    # Walk them once all are made: a signature books units the others were scored on.
    for scenario, match in built:
        _walk(scenario, match, caseworker=caseworker, owner=owner_user, holder=holder_user)
    for scenario, match in built:
        if scenario.state == M.SIGNED:
            _occupation(scenario, match, caseworker=caseworker, today=today)
    if any(s.occupation == OS.ENDING for s, _m in built):
        occupations_mark_ending(today=today)
    matches = list(demo_matches().order_by("pk"))
    occupations = [m.occupation for m in matches if m.state == M.SIGNED]
    return matches, occupations


def _application(scenario, *, site, organisation, holder, caseworker, activities, today):
    """The scenario's application, built like the other demo applications (or found again)."""
    marker = application_marker(scenario.key)
    application = Application.objects.filter(references_text__startswith=marker).first()
    if application is not None:
        return application
    application = application_create(actor=holder, organisation=organisation)
    low, ideal, high = (Decimal(value) for value in scenario.surface)
    fields = {
        "title": scenario.title,
        # The summary is shown to owners before the holder agrees to share: no names in it.
        "summary": f"{scenario.title}, for volunteers, members and neighbours.",
        "description": (
            f"{organisation.name} looks for a place for “{scenario.title}”, for volunteers, "
            "members and the people who live nearby."
        ),
        "intended_use": scenario.title,
        "surface_min": low,
        "surface_ideal": ideal,
        "surface_max": high,
        "space_kind": scenario.space_kind,
        "several_units_ok": True,
        "anywhere": False,
        "desired_start": max(site.available_from or today, today + 30 * DAY),
        "duration_value": scenario.duration,
        "duration_unit": DurationUnit.MONTHS,
        "tenure": Tenure.TEMPORARY,
        "max_monthly_budget": Decimal(scenario.budget),
        "public_access": scenario.public,
        "neighbourhood_value": "Activities for the people who live nearby.",
        "references_text": f"{marker} Demo application for the matchmaking demo.",
        "consent_to_share": True,
        **scenario.extra,
    }
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    application.activity_types.set([activities[code] for code in scenario.codes])
    application.communes.set([site.commune_id])
    application = application_submit(application=application, actor=holder)
    return application_qualify(application=application, actor=caseworker)


def _match(scenario, *, application, site, caseworker) -> Match | None:
    """The desk takes the site up from the engine's ranking, if it fits and the pair has no
    match yet."""
    if Match.objects.filter(application=application, site=site).exists():
        return None
    ranked = {result.site_id: result for result in rank_sites(application, limit=50)}
    if site.pk not in ranked:
        return None
    return match_create(
        application=application,
        site=site,
        actor=caseworker,
        message=scenario.message,
    )


def _reason(code: str) -> DeclineReason:
    return DeclineReason.objects.get(code=code)


def _walk(scenario, match, *, caseworker, owner, holder) -> Match:
    """Take the match along its demo path, each side answering for itself where the demo has
    a login for it, the desk for the others (a phone call, a letter)."""
    owner_side = owner if match.site.owner.memberships.filter(user=owner).exists() else caseworker
    holder_side = (
        holder
        if match.application.organisation.memberships.filter(user=holder).exists()
        else caseworker
    )
    for state in PATHS[scenario.state]:
        if state == M.OWNER_ACCEPTED:
            match = match_answer(match=match, actor=owner_side, accept=True)
        elif state == M.OWNER_DECLINED:
            match = match_answer(
                match=match,
                actor=owner_side,
                accept=False,
                decline_reason=_reason("owner_choice"),
                reason="We keep the shop for a commercial tenant.",
            )
        elif state == M.PROPOSED_HOLDER:
            match = match_propose_to_holder(match=match, actor=caseworker)
        elif state == M.HOLDER_ACCEPTED:
            match = match_answer(match=match, actor=holder_side, accept=True)
        elif state == M.HOLDER_DECLINED:
            match = match_answer(
                match=match,
                actor=holder_side,
                accept=False,
                decline_reason=_reason("dates"),
                reason="The season starts in September; the hall is free only from January.",
            )
        elif state == M.VISIT_PLANNED:
            match = _plan_visit(match, caseworker=caseworker, owner=owner_side, holder=holder_side)
        elif state == M.VISIT_DONE:
            match = match_visit_done(
                match=match,
                actor=caseworker,
                report="Visited with the owner and the holder: the space fits; a few small "
                "repairs before the start.",
            )
        elif state == M.WITHDRAWN:
            match = match_withdraw(
                match=match,
                actor=holder_side,
                decline_reason=_reason("holder_choice"),
                reason="The theatre found rooms in its own street.",
            )
        elif state == M.SIGNED:
            break  # signed with the occupation's terms, in `_occupation`
        else:
            match = match_transition(match=match, to_state=state, actor=caseworker)
    return match


def _plan_visit(match, *, caseworker, owner, holder) -> Match:
    """Two times offered, the holder picks the first: the other is cancelled."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    first = now + datetime.timedelta(days=6, hours=1)
    slot = visit_slot_propose(
        match=match,
        actor=owner,
        starts_at=first,
        ends_at=first + datetime.timedelta(hours=1),
        place="At the front door",
    )
    visit_slot_propose(
        match=match,
        actor=caseworker,
        starts_at=first + DAY,
        ends_at=first + DAY + datetime.timedelta(hours=1),
        place="At the front door",
    )
    visit_slot_confirm(slot=slot, actor=holder)
    match.refresh_from_db()
    return match


def _occupation(scenario, match, *, caseworker, today):
    """Sign with the scenario's dates, then start the occupation if it has started."""
    starts_on = today + scenario.starts_in * DAY
    ends_on = today + scenario.ends_in * DAY
    preparing = scenario.occupation == OS.PREPARING
    regime = "exempt_3_years" if preparing else "no_permit"
    occupation = match_sign(
        match=match,
        actor=caseworker,
        starts_on=starts_on,
        ends_on=ends_on,
        contract_type=ContractType.objects.filter(code="precarious").first(),
        notice_months=3,
        fee_monthly=Decimal(min(scenario.budget, 900)),
        charges_monthly=Decimal("150"),
        deposit=Decimal("500"),
        # The preparing one has a notice period but no notification yet: the admin warns.
        planning_regime=PlanningRegime.objects.filter(code=regime).first(),
    )
    if preparing:
        return occupation
    if occupation.site.open_to_public or occupation.application.must_be_open_to_public:
        InsuranceCertificate.objects.create(
            occupation=occupation,
            kind=InsuranceKind.LIABILITY_FIRE,
            insurer="Ethias (demo)",
            policy_number=f"RC-{match.pk:05d}",
            expires_on=ends_on,
        )
    occupation = occupation_transition(
        occupation=occupation,
        to_state=OS.RUNNING,
        actor=caseworker,
        reason="Keys handed over; the inventory of fixtures is signed.",
    )
    if scenario.key == "14":
        _life(occupation, starts_on=starts_on, today=today)
    return occupation


def _life(occupation, *, starts_on, today) -> None:
    """A running occupation's record: a steering meeting, an incident and an indicator
    report."""
    SteeringMeeting.objects.create(
        occupation=occupation,
        held_on=starts_on + 30 * DAY,
        participants="Immo Zenne NV, Collectif Canal Créatif, the desk",
        minutes="First month: the gallery opens on Thursdays to Sundays. The owner asks for "
        "the bins to go out on Monday evenings.",
    )
    Incident.objects.create(
        occupation=occupation,
        happened_on=today - 20 * DAY,
        severity=IncidentSeverity.MINOR,
        description="Water leak from the roof gutter into the back room after heavy rain.",
        follow_up="The owner had the gutter cleaned within a week.",
        resolved=True,
    )
    IndicatorReport.objects.create(
        occupation=occupation,
        period_end=starts_on + 90 * DAY,
        users=14,
        visitors=620,
        activities=11,
        jobs=2,
    )
