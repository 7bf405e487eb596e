"""The hard filters' prefilters never drop what the engine accepts (issue 12, part 4).

`matching.filters` declares each hard filter once: the engine's check, a condition on `Site`
rows for one application, one on `Application` rows for one site, and an in-memory test for
the full recompute. The three prefilters may let through what the check refuses, never the
reverse. Hypothesis builds random markets (sites with units, some of them booked, stale
totals on sites without units, applications in every shape, boundaries of surface, dates and
budget close together) and, for every offered site and matchable application the engine
accepts, checks that each prefilter keeps it. Each example runs in a savepoint that is rolled
back."""

import dataclasses
import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from loket.reference.models import ActivityType, EconomicModel, SiteKind, UnitKind
from matching.enums import OccupationState
from matching.filters import (
    DAYS_PER_MONTH,
    HARD_FILTERS,
    HardFilter,
    Pair,
    Wish,
    failures,
    shortest_overlap,
)
from matching.market import (
    MatchableApplications,
    OfferedSites,
    application_data_list,
    applications_for_scoring,
    site_data_list,
    sites_for_scoring,
)
from matching.market import site_data as site_data_of
from matching.models import Match, Occupation, OccupationUnit
from matching.scoring import score
from matching.selectors import MATCHABLE_STATES, candidate_applications, candidate_sites
from projects.models import Application
from properties.domain import site_refresh_figures
from properties.enums import OFFERED_STATES
from properties.models import Site, Unit

from ..factories import ApplicationFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COMMUNES = ["21004", "21015", "21001"]
ACTIVITY_COUNT = 4


@contextmanager
def isolated():
    """One example: its rows are rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def day(offset: int | None) -> datetime.date | None:
    return None if offset is None else TODAY + datetime.timedelta(days=offset)


# --- Random markets -----------------------------------------------------------------------------

# Few distinct values, so that a surface, a date or a price often sits right on a bound.
SURFACES = [30, 40, 90, 100, 150, 300, 800]
MONTHS = [1, 2, 6, 12, 24, 36]
# Around the required overlap of those durations, half a month short or long.
SPANS = sorted({round(m * DAYS_PER_MONTH) + d for m in MONTHS for d in (-16, -15, 0, 15)})
offsets = st.integers(min_value=-120, max_value=400)
spans = st.one_of(st.sampled_from(SPANS), st.integers(min_value=0, max_value=1500))

FLAGS = (
    "housing_allowed",
    "open_to_public",
    "step_free_access",
    "has_water",
    "has_electricity",
    "has_heating",
    "has_kitchen",
    "has_loading_access",
)
units = st.fixed_dictionaries(
    {
        "surface": st.sampled_from(SURFACES),
        "kind": st.sampled_from(["office", "open_land", "workshop"]),
        "floor": st.sampled_from(["0", "1", "gf", "-1", "Rez-de-chaussée", ""]),
        "from": st.none() | offsets,
        "span": st.none() | spans,
        # Booked by an active occupation until then (None: open-ended), or free.
        "booked": st.none() | st.sampled_from(["open", "past", "future"]),
    }
)
sites = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["published", "partly_occupied", "published", "draft"]),
        "commune": st.sampled_from(COMMUNES),
        "kind": st.sampled_from(["building", "land", "both", None]),
        "units": st.lists(units, max_size=4),
        "total": st.sampled_from([0, *SURFACES]),  # stored for a site without units
        "from": st.none() | offsets,
        "span": st.none() | spans,
        "min_months": st.none() | st.sampled_from(MONTHS),
        "max_months": st.none() | st.sampled_from(MONTHS),
        "activities": st.just(set()) | st.sets(st.integers(0, ACTIVITY_COUNT - 1), max_size=3),
        # What the site lacks; it has the rest.
        "lacks": st.sets(st.sampled_from(FLAGS), max_size=2),
        "model": st.sampled_from(["charges_only", "fee_per_m2", "all_in", "fee_per_person"]),
        "cost": st.sampled_from([None, 0, 200, 400, 800, 2000]),
    }
)
applications = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["qualified", "searching", "qualified", "draft"]),
        "surfaces": st.lists(st.sampled_from([0, *SURFACES]), min_size=3, max_size=3).map(sorted),
        "no_min": st.booleans(),
        "no_max": st.booleans(),
        "space_kind": st.sampled_from(["either", "building", "land"]),
        "several": st.booleans(),
        "activities": st.sets(st.integers(0, ACTIVITY_COUNT - 1), max_size=2),
        "overnight": st.sampled_from([False, False, True]),
        "housing_people": st.none() | st.sampled_from([0, 3]),
        "needs": st.sets(
            st.sampled_from(
                [
                    "must_be_open_to_public",
                    "needs_step_free",
                    "needs_ground_floor",
                    "needs_loading",
                    "needs_water",
                    "needs_power",
                    "needs_heating",
                    "needs_kitchen",
                ]
            ),
            max_size=2,
        ),
        "communes": st.sets(st.sampled_from(COMMUNES), max_size=2),
        "anywhere": st.sampled_from([True, True, False]),
        "start": st.none() | st.integers(min_value=-30, max_value=300),
        "duration": st.none() | st.sampled_from(MONTHS),
        "in_years": st.booleans(),
        "flexible": st.booleans(),
        "long_term": st.booleans(),
        "budget": st.sampled_from([None, None, 0, 200, 400, 800, 2000]),
    }
)
markets = st.tuples(
    st.lists(sites, min_size=1, max_size=4), st.lists(applications, min_size=1, max_size=4)
)


def build_site(spec: dict, *, owner, occupant) -> Site:
    kinds = {k.code: k for k in SiteKind.objects.all()}
    activities = list(ActivityType.objects.order_by("pk")[:ACTIVITY_COUNT])
    start = day(spec["from"])
    site = SiteFactory(
        owner=owner,
        units=[],
        state=spec["state"],
        commune_id=spec["commune"],
        kind=kinds[spec["kind"]] if spec["kind"] else None,
        available_from=start,
        available_until=None if spec["span"] is None else day((spec["from"] or 0) + spec["span"]),
        min_duration_months=spec["min_months"],
        max_duration_months=spec["max_months"],
        economic_model=EconomicModel.objects.get(code=spec["model"]),
        **{flag: flag not in spec["lacks"] for flag in FLAGS},
    )
    site.allowed_activities.set(activities[i] for i in spec["activities"])
    unit_kinds = {k.code: k for k in UnitKind.objects.all()}
    for position, unit in enumerate(spec["units"]):
        row = Unit.objects.create(
            site=site,
            name=f"Unit {position}",
            position=position,
            surface_m2=Decimal(unit["surface"]),
            kind=unit_kinds[unit["kind"]],
            floor=unit["floor"],
            available_from=day(unit["from"]),
            available_until=(
                None if unit["span"] is None else day((unit["from"] or 0) + unit["span"])
            ),
        )
        if unit["booked"]:
            book(row, site, occupant, until=unit["booked"])
    site_refresh_figures(site=site)  # the stored total is the units' sum, as the domain keeps it
    figures = {"estimated_monthly_cost": spec["cost"]}
    if not spec["units"]:  # let as a whole: whatever total was stored
        figures["total_surface_m2"] = Decimal(spec["total"])
    Site.objects.filter(pk=site.pk).update(**figures)
    return site


def book(unit: Unit, site: Site, occupant: Application, *, until: str) -> None:
    """Promise the unit to an active occupation of the site, ending as `until` says."""
    occupation = Occupation.objects.filter(site=site).first()
    if occupation is None:
        match = Match.objects.create(application=occupant, site=site, state="signed")
        occupation = Occupation.objects.create(
            match=match,
            site=site,
            application=occupant,
            state=OccupationState.RUNNING,
            starts_on=TODAY - datetime.timedelta(days=400),
        )
    ends_on = {"open": None, "past": day(-1), "future": day(200)}[until]
    OccupationUnit.objects.create(
        occupation=occupation, unit=unit, starts_on=occupation.starts_on, ends_on=ends_on
    )


def build_application(spec: dict, *, holder) -> Application:
    low, ideal, high = spec["surfaces"]
    activities = list(ActivityType.objects.order_by("pk")[:ACTIVITY_COUNT])
    duration = spec["duration"]
    in_years = spec["in_years"] and duration and duration % 12 == 0
    application = ApplicationFactory(
        organisation=holder,
        state=spec["state"],
        surface_min=None if spec["no_min"] else Decimal(low),
        surface_ideal=Decimal(ideal),
        surface_max=None if spec["no_max"] else Decimal(high),
        space_kind=spec["space_kind"],
        several_units_ok=spec["several"],
        overnight_stay=spec["overnight"],
        housing_people=spec["housing_people"],
        anywhere=spec["anywhere"],
        desired_start=day(spec["start"]),
        duration_value=(duration // 12 if in_years else duration),
        duration_unit="years" if in_years else "months",
        duration_flexible=spec["flexible"],
        tenure="long_term" if spec["long_term"] else "temporary",
        max_monthly_budget=None if spec["budget"] is None else Decimal(spec["budget"]),
        **dict.fromkeys(spec["needs"], True),
    )
    application.activity_types.set(activities[i] for i in spec["activities"])
    application.communes.set(spec["communes"])
    return application


# --- The property -------------------------------------------------------------------------------


@settings(max_examples=200)
@given(market=markets)
def test_no_prefilter_drops_what_the_engine_accepts(market):
    site_specs, application_specs = market
    with isolated():
        owner, holder = OrganisationFactory(), OrganisationFactory()
        occupant = ApplicationFactory(organisation=OrganisationFactory(), state="occupying")
        for spec in site_specs:
            build_site(spec, owner=owner, occupant=occupant)
        for spec in application_specs:
            build_application(spec, holder=holder)
        offered = Site.objects.filter(state__in=OFFERED_STATES)
        matchable = Application.objects.filter(state__in=MATCHABLE_STATES)
        site_data = site_data_list(offered, TODAY)
        accepted = {
            (a.id, s.id)
            for a in application_data_list(matchable)
            for s in site_data
            if not score(a, s, today=TODAY).excluded
        }
        in_memory = OfferedSites(TODAY)

        for application in applications_for_scoring(matchable):
            wanted = {s for a, s in accepted if a == application.pk}
            in_database = set(
                candidate_sites(application, today=TODAY).values_list("pk", flat=True)
            )
            assert wanted - in_database == set()
            wish = Wish.of(
                application_data_list(Application.objects.filter(pk=application.pk))[0],
                [a.pk for a in application.activity_types.all()],
                TODAY,
            )
            assert wanted - {site.id for _points, site in in_memory.candidates(wish)} == set()

        applications_in_memory = MatchableApplications(matchable, TODAY, 60)
        for site in sites_for_scoring(offered, TODAY):
            wanted = {a for a, s in accepted if s == site.pk}
            found = candidate_applications(site).values_list("pk", flat=True)
            assert wanted - set(found) == set()
            fitting = applications_in_memory.candidates(site_data_of(site))
            assert wanted - {a.id for _bound, a in fitting} == set()


# --- The declarations ---------------------------------------------------------------------------


def test_every_hard_filter_declares_the_prefilters_it_is_expected_to():
    """A filter left without a prefilter lets every site or application through that way:
    adding one without them must be a choice written here, not an oversight."""
    default = {field.name: field.default for field in dataclasses.fields(HardFilter)}
    prefilters = ("admits", "sites", "applications", "fits")
    every = {"admits": True, "sites": True, "applications": True, "fits": True}

    declared = [
        (f.name, {p: getattr(f, p) is not default[p] for p in prefilters}) for f in HARD_FILTERS
    ]

    assert declared == [
        ("kind", every),
        ("surface", every),
        ("dates", every),
        ("activity", every),
        ("housing", every),
        ("not_public", every),
        ("not_accessible", every),
        ("features", every),
        ("budget", every),
        ("commune", every),
    ]


def test_shortest_overlap_is_the_required_months_less_half_a_month_rounded_down():
    assert (shortest_overlap(1).days, shortest_overlap(24).days) == (15, 715)


def test_failures_list_every_filter_that_fails_in_the_declared_order():
    from matching.data import ApplicationData, SiteData, UnitData

    application = ApplicationData(
        id=1,
        surface_min=Decimal(500),
        surface_ideal=Decimal(600),
        surface_max=Decimal(700),
        space_kind="building",
        must_be_open_to_public=True,
        needs_water=True,
        communes=frozenset({"21015"}),
    )
    site = SiteData(
        id=2,
        commune="21004",
        kind="both",
        total_surface=Decimal(100),
        units=(UnitData(id=3, surface=Decimal(100)),),
    )
    codes = [line.code for line in failures(Pair(application, site, TODAY))]
    assert codes == ["too_small", "not_public", "features", "commune"]
