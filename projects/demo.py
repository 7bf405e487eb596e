"""Demo applications for `seed_demo`: a believable desk queue, over every state and across
the Region.

Each application carries a stable marker ("[demo:APP-001]") in its references text, so running
the seed again adds nothing. New applications are built through the domain: created, filled in,
submitted by the demo holder, then moved on by the demo caseworker, so their history reads like
the desk's real work.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.communes.models import Commune
from loket.demo import DemoPeople
from loket.organisations.enums import LegalForm
from loket.organisations.models import Organisation
from loket.reference.models import ActivityType
from properties.demo import enterprise_number

from .domain import (
    application_create,
    application_mark_incomplete,
    application_qualify,
    application_submit,
    application_transition,
)
from .enums import ApplicationState, ClosedReason, DurationUnit, PublicAccess, SpaceKind, Tenure
from .models import Application

A = ApplicationState
DEMO_COUNT = 120
CONSORTIUM_MARKER = "[demo:CONSORTIUM]"

# name, legal form, enterprise number body (None: de facto, no number), postcode, city
DEMO_HOLDERS = [
    ("Atelier Molenbeek Makers", LegalForm.NONPROFIT, 301_4411, "1080", "Molenbeek-Saint-Jean"),
    ("Jeugdhuis De Brug", LegalForm.NONPROFIT, 301_4522, "1030", "Schaerbeek"),
    ("Théâtre du Midi", LegalForm.NONPROFIT, 301_4633, "1060", "Saint-Gilles"),
    ("Repair Café Anderlecht", LegalForm.DE_FACTO, None, "1070", "Anderlecht"),
    ("Stadsboerderij Neerpede", LegalForm.COOPERATIVE, 301_4744, "1070", "Anderlecht"),
    ("Collectif Logement Solidaire", LegalForm.NONPROFIT, 301_4855, "1190", "Forest"),
    ("Sportclub Kanaal", LegalForm.NONPROFIT, 301_4966, "1000", "Bruxelles"),
    ("Les Ateliers du Textile", LegalForm.COOPERATIVE, 301_5077, "1050", "Ixelles"),
    ("Circulair Hout Brussel", LegalForm.COMPANY, 301_5188, "1140", "Evere"),
    ("Collectif Musique Nomade", LegalForm.DE_FACTO, None, "1210", "Saint-Josse-ten-Noode"),
]
# The consortium's partners (the brief's case, section 9).
UNIVERSITY = ("Université des Arts et Métiers de Bruxelles (démo)", LegalForm.FOUNDATION, 301_6201)
LAND_TRUST = ("Fonds foncier solidaire du Canal (démo)", LegalForm.FOUNDATION, 301_6312)

PROJECTS = [
    # title, activity codes, surface min, tenure
    ("Shared artists' studios", ("studios", "cultural"), 300, Tenure.TEMPORARY),
    ("Neighbourhood repair workshop", ("circular", "crafts"), 80, Tenure.TEMPORARY),
    ("Rehearsal rooms for young bands", ("cultural",), 150, Tenure.TEMPORARY),
    ("Urban farm and greenhouse", ("agriculture", "social"), 1500, Tenure.LONG_TERM),
    ("Transit housing for families", ("transit_housing", "social"), 600, Tenure.TEMPORARY),
    ("Homework school and library", ("education", "social"), 120, Tenure.TEMPORARY),
    ("Indoor football for teenagers", ("sport",), 900, Tenure.TEMPORARY),
    ("Textile workshop and shop", ("crafts", "economic"), 200, Tenure.LONG_TERM),
    ("Night shelter in winter", ("shelter", "social"), 400, Tenure.TEMPORARY),
    ("Wood recycling yard", ("circular", "economic"), 2500, Tenure.LONG_TERM),
    ("Theatre and community hall", ("cultural", "social"), 700, Tenure.TEMPORARY),
    ("Start-up kitchen", ("economic",), 60, Tenure.TEMPORARY),
]
# The demo's mix of states, repeated over the applications.
STATE_CYCLE = [
    A.SUBMITTED,
    A.QUALIFIED,
    A.SEARCHING,
    A.SUBMITTED,
    A.INCOMPLETE,
    A.DRAFT,
    A.SEARCHING,
    A.MATCHED,
    A.OCCUPYING,
    A.CLOSED,
    A.QUALIFIED,
    A.SUBMITTED,
]
CLOSED_REASONS = [ClosedReason.NO_MATCH, ClosedReason.INELIGIBLE, ClosedReason.WITHDRAWN]


def marker(number: int) -> str:
    return f"[demo:APP-{number:03d}]"


def seed_demo(people: DemoPeople) -> str:
    """`seed_demo`'s hook (`loket.demo`)."""
    applications = build_demo_applications(
        holder_org=people.holder_org,
        coop=people.coop,
        holder=people.users[Role.HOLDER],
        caseworker=people.users[Role.CASEWORKER],
    )
    return f"{len(applications)} demo applications are ready."


def build_demo_applications(
    *, holder_org: Organisation, coop: Organisation, holder: User, caseworker: User
) -> list[Application]:
    """Create the demo applications that do not exist yet. Returns every demo application."""
    organisations = [holder_org, *_demo_holders()]
    partners = [_organisation(*UNIVERSITY), _organisation(*LAND_TRUST)]
    activities = {item.code: item for item in ActivityType.objects.all()}
    communes = list(Commune.objects.order_by("pk"))
    existing = _existing_markers()
    rng = random.Random(2026)
    for number in range(1, DEMO_COUNT + 1):
        choices = _choices(rng, number, communes)
        if marker(number) in existing:
            continue
        organisation = organisations[number % len(organisations)]
        _build(
            number,
            choices,
            organisation=organisation,
            holder=holder,
            caseworker=caseworker,
            activities=activities,
        )
    if CONSORTIUM_MARKER not in existing:
        _build_consortium(
            coop=coop,
            partners=partners,
            holder=holder,
            caseworker=caseworker,
            activities=activities,
        )
    return list(Application.objects.filter(references_text__startswith="[demo:"))


def _existing_markers() -> set[str]:
    texts = Application.objects.filter(references_text__startswith="[demo:").values_list(
        "references_text", flat=True
    )
    return {text.split("]", 1)[0] + "]" for text in texts}


def _organisation(name, legal_form, body, postcode="1000", city="Bruxelles") -> Organisation:
    defaults = {"name": name, "legal_form": legal_form, "postcode": postcode, "city": city}
    if body is None:
        organisation, _created = Organisation.objects.update_or_create(
            name=name, enterprise_number="", defaults=defaults
        )
    else:
        organisation, _created = Organisation.objects.update_or_create(
            enterprise_number=enterprise_number(body), defaults=defaults
        )
    return organisation


def _demo_holders() -> list[Organisation]:
    return [
        _organisation(name, form, body, postcode, city)
        for name, form, body, postcode, city in DEMO_HOLDERS
    ]


def _choices(rng: random.Random, number: int, communes: list) -> dict:
    """Drawn for every number, built or not, so the demo is the same on every run."""
    title, codes, base, tenure = PROJECTS[number % len(PROJECTS)]
    factor = Decimal(rng.choice([50, 75, 100, 125, 150, 200])) / 100
    surface_min = (Decimal(base) * factor).quantize(Decimal(1))
    anywhere = rng.random() < 0.15
    picked = [] if anywhere else rng.sample(communes, rng.randint(1, 3))
    return {
        "title": f"{title} #{number}",
        "codes": codes,
        "surface_min": surface_min,
        "surface_ideal": (surface_min * Decimal("1.5")).quantize(Decimal(1)),
        "surface_max": surface_min * 2,
        "tenure": tenure,
        "anywhere": anywhere,
        "communes": picked,
        "budget": Decimal(rng.choice([0, 150, 300, 500, 800, 1200, 2500])),
        "start_in_days": rng.randint(30, 400),
        "duration": rng.choice([6, 12, 18, 24, 36]),
        "state": STATE_CYCLE[number % len(STATE_CYCLE)],
        "age_days": rng.randint(0, 300),
        "public_access": rng.choice(PublicAccess.values),
    }


def _fill(application: Application, fields: dict, *, activities, communes, codes) -> None:
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    application.activity_types.set([activities[code] for code in codes])
    application.communes.set(communes)


def _build(number, c, *, organisation, holder, caseworker, activities) -> Application:
    application = application_create(actor=holder, organisation=organisation)
    fields = {
        "title": c["title"],
        "summary": f"{c['title']}: a project of {organisation.name}.",
        "description": (
            f"{organisation.name} looks for a place for its project “{c['title']}”. "
            "The space is used by volunteers and members during the week."
        ),
        "intended_use": "Workshops, meetings and activities open to the neighbourhood.",
        "surface_min": c["surface_min"],
        "surface_ideal": c["surface_ideal"],
        "surface_max": c["surface_max"],
        "space_kind": SpaceKind.BUILDING if number % 5 else SpaceKind.EITHER,
        "anywhere": c["anywhere"],
        "desired_start": timezone.localdate() + datetime.timedelta(days=c["start_in_days"]),
        "duration_value": c["duration"],
        "duration_unit": DurationUnit.MONTHS,
        "tenure": c["tenure"],
        "max_monthly_budget": c["budget"],
        "public_access": c["public_access"],
        "neighbourhood_value": "Activities for the people who live nearby.",
        "references_text": f"{marker(number)} Demo application.",
        "consent_to_share": True,
    }
    _fill(application, fields, activities=activities, communes=c["communes"], codes=c["codes"])
    _walk(application, c["state"], number, holder=holder, caseworker=caseworker)
    if c["state"] != A.DRAFT:
        # Spread the submissions over the past months, so the age filter has something to show.
        when = timezone.now() - datetime.timedelta(days=c["age_days"])
        Application.objects.filter(pk=application.pk).update(submitted_at=when, confirmed_at=when)
    return application


def _walk(application, state, number, *, holder, caseworker) -> None:
    if state == A.DRAFT:
        return
    application = application_submit(application=application, actor=holder)
    if state == A.SUBMITTED:
        return
    if state == A.INCOMPLETE:
        application_mark_incomplete(
            application=application,
            actor=caseworker,
            message="Please add your statutes and last year's activity report.",
        )
        return
    if state == A.CLOSED:
        reason = CLOSED_REASONS[number % len(CLOSED_REASONS)]
        application_transition(
            application=application,
            to_state=A.CLOSED,
            actor=holder if reason == ClosedReason.WITHDRAWN else caseworker,
            reason="Demo: closed.",
            closed_reason=reason,
        )
        return
    application = application_qualify(application=application, actor=caseworker)
    for step in (A.SEARCHING, A.MATCHED, A.OCCUPYING):
        if application.state == state:
            return
        application = application_transition(
            application=application, to_state=step, actor=caseworker
        )


def _build_consortium(*, coop, partners, holder, caseworker, activities) -> Application:
    """The brief's case: an artists' coop with a university and a land trust, 4,500 m² at
    least and 9,000 m² ideally, central, a mixed programme, for the long term."""
    application = application_create(actor=holder, organisation=coop)
    fields = {
        "title": "Zennewerk: studios, homes and public spaces in one building",
        "summary": "A consortium looks for a large central building for a mixed programme.",
        "description": (
            "Kunstenaarscoöperatie Zennewerk, a university and a community land trust want to "
            "bring artists' studios, affordable housing held by the land trust and spaces open "
            "to the public together in one central building, for the long term."
        ),
        "intended_use": "Studios, affordable housing and public spaces.",
        "programme": [
            {"use": "studios", "share": 50},
            {"use": "affordable housing (land trust)", "share": 30},
            {"use": "public spaces", "share": 20},
        ],
        "partners_text": (
            "Université des Arts et Métiers de Bruxelles (research and teaching); "
            "Fonds foncier solidaire du Canal (affordable housing, a community land trust)."
        ),
        "surface_min": Decimal("4500"),
        "surface_ideal": Decimal("9000"),
        "surface_max": Decimal("10000"),
        "space_kind": SpaceKind.BUILDING,
        "several_units_ok": True,
        "wants_central": True,
        "wants_public_transport": True,
        "desired_start": timezone.localdate() + datetime.timedelta(days=180),
        "duration_value": 30,
        "duration_unit": DurationUnit.YEARS,
        "tenure": Tenure.LONG_TERM,
        "max_monthly_budget": Decimal("18000"),
        "fitout_budget": Decimal("750000"),
        "public_access": PublicAccess.OPEN,
        "regular_users": 180,
        "weekly_visitors": 600,
        "neighbourhood_value": "Affordable homes, studios and a public ground floor.",
        "references_text": f"{CONSORTIUM_MARKER} The brief's consortium case.",
        "consent_to_share": True,
    }
    central = list(Commune.objects.filter(pk__in=["21004", "21014", "21013"]))
    _fill(
        application,
        fields,
        activities=activities,
        communes=central,
        codes=("studios", "cultural", "transit_housing", "social"),
    )
    application.partners.set(partners)
    application = application_submit(application=application, actor=holder)
    return application_qualify(application=application, actor=caseworker)
