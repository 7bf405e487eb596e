"""Candidates in both directions, stored and refreshed, and the brief's reference case."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from loket.communes.models import Commune
from loket.reference.models import ActivityType, SiteKind
from matching.domain import (
    rank_applications,
    rank_sites,
    score_pair,
    sharing_for_site,
    suggestions_refresh_for_application,
    suggestions_refresh_for_site,
)
from matching.enums import Direction
from matching.models import Suggestion
from matching.scoring import explain
from projects.enums import DurationUnit, SpaceKind, Tenure
from projects.models import Application
from properties.models import Site

from ..factories import ApplicationFactory, OrganisationFactory, SiteFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def activities(*codes):
    return list(ActivityType.objects.filter(code__in=codes))


def consortium(organisation) -> "object":
    """The brief's case: 4,500 m² at least, 9,000 ideal, central, mixed, long-term."""
    application = ApplicationFactory(
        organisation=organisation,
        title="Zennewerk",
        surface_min=Decimal("4500"),
        surface_ideal=Decimal("9000"),
        surface_max=Decimal("10000"),
        space_kind=SpaceKind.BUILDING,
        several_units_ok=True,
        wants_central=True,
        wants_public_transport=True,
        desired_start=TODAY + datetime.timedelta(days=180),
        duration_value=30,
        duration_unit=DurationUnit.YEARS,
        tenure=Tenure.LONG_TERM,
        max_monthly_budget=Decimal("18000"),
        programme=[
            {"use": "studios", "share": 50},
            {"use": "housing", "share": 30},
            {"use": "public", "share": 20},
        ],
        neighbourhood_value="Affordable homes and a public ground floor.",
        state="qualified",
        reference="LTG-2026-0042",
        submitted_at=timezone.now() - datetime.timedelta(days=200),
    )
    application.activity_types.set(activities("studios", "cultural", "social"))
    application.communes.set(Commune.objects.filter(pk__in=["21004", "21013", "21014"]))
    return application


def big_site(owner, *, title, units, transport="", lat="50.8550", lon="4.3490", **fields):
    site = SiteFactory(
        owner=owner,
        title_en=title,
        units=[],
        public_transport=transport,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        available_from=TODAY + datetime.timedelta(days=100),
        available_until=TODAY + datetime.timedelta(days=365 * 6),
        **fields,
    )
    site.allowed_activities.set(activities("studios", "cultural", "social", "education"))
    for position, surface in enumerate(units):
        UnitFactory(site=site, surface_m2=Decimal(surface), position=position, floor=str(position))
    from properties.domain import site_refresh_figures

    return site_refresh_figures(site=site)


@pytest.fixture
def case():
    owner = OrganisationFactory(name="Régie foncière")
    application = consortium(OrganisationFactory(name="Zennewerk"))
    sites = {
        "yser": big_site(
            owner,
            title="Tower at Yser metro",
            units=[900, 2400, 3000, 2100, 200],
            transport="Metro Yser (lines 2 and 6), 150 m",
        ),
        "far": big_site(
            owner,
            title="Warehouse far out",
            units=[3500, 3500],
            transport="Bus 49",
            lat="50.8700",
            lon="4.3000",
            commune_id="21013",
            postcode="1080",
        ),
        "small": big_site(owner, title="Small school", units=[1500, 1500, 1000]),
        "huge_hall": big_site(owner, title="One huge hall", units=[12000]),
        "land": big_site(
            owner,
            title="Wasteland",
            units=[],
            kind=SiteKind.objects.get(code="land"),
            total_surface_m2=Decimal("9000"),
        ),
    }
    return application, sites


def test_reference_case_ranks_the_metro_building_first(case):
    application, sites = case

    ranked = rank_sites(application, today=TODAY)

    assert [r.site_id for r in ranked] == [sites["yser"].pk, sites["far"].pk]
    top = ranked[0]
    assert top.surface == Decimal("8600")
    assert [line.code for line in top.lines] == [
        "surface",
        "duration_open",
        "transport",
        "expectations",
        "horizon_long",
        "waiting",
    ]
    transport = top.lines[2]
    assert (transport.points, transport.max_points) == (15, 15)
    with translation.override("en"):
        assert explain(top.lines[2].as_dict()) == "Metro or train nearby; 1 km from the centre."


def test_reference_case_excludes_small_sites_as_too_small(case):
    application, sites = case

    small = score_pair(application=application, site=sites["small"], today=TODAY)
    huge = score_pair(application=application, site=sites["huge_hall"], today=TODAY)
    land = score_pair(application=application, site=sites["land"], today=TODAY)

    assert [line.code for line in small.lines] == ["too_small"]
    with translation.override("en"):
        assert explain(small.lines[0].as_dict()) == (
            "Too small: 4,000 m² usable, at least 4,500 m² asked."
        )
    assert [line.code for line in huge.lines] == ["too_big"]
    assert [line.code for line in land.lines] == ["kind_land_only"]


def test_refresh_stores_the_ranked_sites_for_an_application(case):
    application, sites = case

    written = suggestions_refresh_for_application(application_id=application.pk, today=TODAY)

    rows = list(
        Suggestion.objects.filter(direction=Direction.SITES_FOR_APPLICATION).values_list(
            "site_id", "rank"
        )
    )
    assert written == 2
    assert rows == [(sites["yser"].pk, 1), (sites["far"].pk, 2)]


def test_site_refresh_places_the_site_in_the_applications_lists(case):
    application, sites = case
    suggestions_refresh_for_application(application_id=application.pk, today=TODAY)
    newcomer = big_site(
        OrganisationFactory(),
        title="Brand-new metro building",
        units=[4500, 4500],
        transport="Metro De Brouckère",
        lat="50.8500",
        lon="4.3520",
    )

    suggestions_refresh_for_site(site_id=newcomer.pk, today=TODAY)

    ranked_for_app = list(
        Suggestion.objects.filter(
            direction=Direction.SITES_FOR_APPLICATION, application=application
        )
        .order_by("rank")
        .values_list("site_id", flat=True)
    )
    assert ranked_for_app == [s.pk for s in (newcomer, sites["yser"], sites["far"])] or (
        ranked_for_app == [s.pk for s in (sites["yser"], newcomer, sites["far"])]
    )
    assert list(
        Suggestion.objects.filter(
            direction=Direction.APPLICATIONS_FOR_SITE, site=newcomer
        ).values_list("application_id", "rank")
    ) == [(application.pk, 1)]
    # The incremental placement agrees with a full recompute.
    incremental = ranked_for_app
    suggestions_refresh_for_application(application_id=application.pk, today=TODAY)
    assert incremental == list(
        Suggestion.objects.filter(
            direction=Direction.SITES_FOR_APPLICATION, application=application
        )
        .order_by("rank")
        .values_list("site_id", flat=True)
    )


def test_closed_application_loses_its_suggestions(case):
    application, _sites = case
    suggestions_refresh_for_application(application_id=application.pk, today=TODAY)
    application.state = "closed"
    application.save()

    assert suggestions_refresh_for_application(application_id=application.pk) == 0
    assert Suggestion.objects.filter(application=application).count() == 0


def test_changes_refresh_the_suggestions_after_commit(django_capture_on_commit_callbacks):
    from projects.domain import application_transition

    from ..factories import caseworker

    desk = caseworker()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        site = big_site(
            OrganisationFactory(), title="Tower", units=[4500, 4500], transport="Metro Yser"
        )
        application = consortium(OrganisationFactory())
        for state in ("searching", "matched", "searching"):
            application = application_transition(
                application=application, to_state=state, actor=desk
            )

    # Four changes (the site's figures, three transitions), one callback after the commit.
    assert len(callbacks) == 1
    assert list(
        Suggestion.objects.filter(
            direction=Direction.SITES_FOR_APPLICATION, application=application
        ).values_list("site_id", "rank")
    ) == [(site.pk, 1)]


def test_ranked_applications_for_a_site(case):
    application, sites = case
    small_request = ApplicationFactory(
        organisation=OrganisationFactory(),
        complete=True,
        state="searching",
        surface_min=Decimal("800"),
        surface_ideal=Decimal("900"),
        surface_max=Decimal("1000"),
        max_monthly_budget=Decimal("5000"),
        duration_value=36,
    )
    small_request.activity_types.set(activities("studios"))

    ranked = rank_applications(sites["yser"], today=TODAY)

    assert [r.application_id for r in ranked] == [application.pk, small_request.pk] or [
        r.application_id for r in ranked
    ] == [small_request.pk, application.pk]
    assert {r.application_id for r in ranked} == {application.pk, small_request.pk}


def test_sharing_gives_no_unit_twice_and_stays_within_the_site(case):
    application, sites = case
    requests = []
    for surface in (900, 2100, 2400):
        request = ApplicationFactory(
            organisation=OrganisationFactory(),
            complete=True,
            state="searching",
            surface_min=Decimal(surface) - 100,
            surface_ideal=Decimal(surface),
            surface_max=Decimal(surface) + 100,
            max_monthly_budget=Decimal("10000"),
            duration_value=36,
            several_units_ok=False,
        )
        request.activity_types.set(activities("studios"))
        requests.append(request)

    plan = sharing_for_site(site=sites["yser"], today=TODAY)

    given = [unit for share in plan.shares for unit in share.unit_ids]
    assert len(given) == len(set(given))
    assert plan.surface_used + plan.surface_free == Decimal("8600")
    by_application = {share.application_id: share.surface for share in plan.shares}
    # The consortium scores highest and takes the units closest to its 9,000 m² ideal: all of
    # them; the three small requests are then skipped, each named.
    assert by_application == {application.pk: Decimal("8600")}
    assert set(plan.skipped) == {r.pk for r in requests}

    # Without the consortium, the three small requests share the tower, one unit each.
    application.state = "closed"
    application.save()
    plan = sharing_for_site(site=sites["yser"], today=TODAY)

    assert sorted(share.surface for share in plan.shares) == [900, 2100, 2400]
    assert (plan.surface_used, plan.surface_free, plan.occupancy) == (5400, 3200, 63)
    assert plan.skipped == ()


def test_nightly_refresh_rewrites_both_directions_and_runs_twice_alike(case):
    from matching.tasks import suggestions_refresh_all_nightly

    application, sites = case
    withdrawn = sites["far"]
    Suggestion.objects.create(
        direction=Direction.APPLICATIONS_FOR_SITE,
        application=application,
        site=withdrawn,
        rank=1,
        score=1,
        surface_m2=1,
    )
    withdrawn.state = "withdrawn"
    withdrawn.save()

    first = suggestions_refresh_all_nightly()
    rows = sorted(Suggestion.objects.values_list("direction", "application_id", "site_id", "rank"))
    second = suggestions_refresh_all_nightly()

    assert first == second == 2
    assert rows == [
        ("a", application.pk, sites["yser"].pk, 1),
        ("s", application.pk, sites["yser"].pk, 1),
    ]
    assert (
        sorted(Suggestion.objects.values_list("direction", "application_id", "site_id", "rank"))
        == rows
    )


def test_database_filter_lets_through_what_the_engine_accepts_half_a_month_short():
    """Six months wished from 1 March; the site ends on 20 August: 5.6 months of overlap, which
    the engine accepts (it allows half a month), so the database must not drop it first."""
    start = datetime.date(TODAY.year + 1, 3, 1)
    site = SiteFactory(
        units=[150],
        available_from=start,
        available_until=datetime.date(start.year, 8, 20),
    )
    application = ApplicationFactory(
        organisation=OrganisationFactory(),
        complete=True,
        state="qualified",
        desired_start=start,
        duration_value=6,
    )

    assert score_pair(application=application, site=site, today=TODAY).excluded is False
    assert [r.site_id for r in rank_sites(application, today=TODAY)] == [site.pk]
    assert suggestions_refresh_for_application(application_id=application.pk, today=TODAY) == 1
    from matching.domain import suggestions_refresh_all

    assert suggestions_refresh_all(today=TODAY) == 1  # the in-memory path agrees


def test_the_sites_and_applications_kept_in_memory_follow_any_write():
    """The rankings read every offered site and matchable application kept in the process;
    a write that sends no signal (a queryset update, a list set)
    still shows in the next ranking."""
    site = SiteFactory(units=[150], has_water=True)
    application = ApplicationFactory(
        organisation=OrganisationFactory(), complete=True, state="qualified", needs_water=True
    )
    assert [r.site_id for r in rank_sites(application, today=TODAY)] == [site.pk]
    assert [r.application_id for r in rank_applications(site, today=TODAY)] == [application.pk]

    Site.objects.filter(pk=site.pk).update(has_water=False)
    assert rank_sites(application, today=TODAY) == []
    Site.objects.filter(pk=site.pk).update(has_water=True)
    Application.objects.filter(pk=application.pk).update(state="draft")
    assert rank_applications(site, today=TODAY) == []
    Application.objects.filter(pk=application.pk).update(state="qualified")
    assert [r.application_id for r in rank_applications(site, today=TODAY)] == [application.pk]

    activity = ActivityType.objects.first()
    site.allowed_activities.set([activity])
    other = ActivityType.objects.exclude(pk=activity.pk).first()
    application.activity_types.set([other])
    assert rank_sites(application, today=TODAY) == []
    assert rank_applications(site, today=TODAY) == []
