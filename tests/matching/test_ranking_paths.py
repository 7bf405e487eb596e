"""The fast paths of the ranking give what the plain one gives: `rank_sites` and
`rank_applications` (values-based loading, bound on the score) and `suggestions_refresh_all`
(sites loaded once, filters in memory) against model instances scored one by one."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from loket.reference.models import ActivityType, EconomicModel, SiteKind
from matching.domain import rank_applications, rank_sites, suggestions_refresh_all
from matching.enums import Direction
from matching.market import (
    application_data,
    applications_for_scoring,
    site_data,
    sites_for_scoring,
)
from matching.models import Suggestion
from matching.scoring import rank, score
from matching.selectors import candidate_applications, candidate_sites
from projects.models import Application
from properties.models import Site

from ..ci import require
from ..factories import ApplicationFactory, OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COMMUNES = ["21004", "21015", "21001"]


def plain_rank_sites(application, limit=20):
    application = applications_for_scoring(Application.objects.filter(pk=application.pk)).get()
    data = application_data(application)
    sites = sites_for_scoring(candidate_sites(application, today=TODAY), TODAY)
    return rank((score(data, site_data(s), today=TODAY) for s in sites), limit)


def plain_rank_applications(site, limit=20):
    site = sites_for_scoring(Site.objects.filter(pk=site.pk), TODAY).get()
    data = site_data(site)
    applications = applications_for_scoring(candidate_applications(site))
    results = (score(application_data(a), data, today=TODAY) for a in applications)
    kept = [r for r in results if not r.excluded]
    kept.sort(key=lambda r: (-r.score, r.application_id))
    return kept[:limit]


@pytest.fixture
def market():
    rng = random.Random(7)
    owner = OrganisationFactory()
    holder = OrganisationFactory()
    kinds = [*list(SiteKind.objects.all()), None]
    models = list(EconomicModel.objects.all())
    activities = list(ActivityType.objects.all())
    sites = []
    for _n in range(30):
        units = [rng.choice([40, 90, 150, 300, 800]) for _ in range(rng.randint(0, 4))]
        model = rng.choice(models)
        site = SiteFactory(
            owner=owner,
            commune_id=rng.choice(COMMUNES),
            kind=rng.choice(kinds),
            units=units,
            economic_model=model,
            fee_amount=Decimal(rng.choice([2, 400])),
            charges_monthly=Decimal(rng.choice([100, 600])),
            available_from=TODAY + datetime.timedelta(days=rng.randint(-60, 200)),
            available_until=rng.choice(
                [None, TODAY + datetime.timedelta(days=rng.randint(100, 1500))]
            ),
            open_to_public=rng.random() < 0.5,
            has_water=rng.random() < 0.7,
            public_transport=rng.choice(["", "Metro Schuman", "Tram 81"]),
        )
        if not units:  # not divided: let as a whole
            Site.objects.filter(pk=site.pk).update(total_surface_m2=rng.choice([0, 120, 500]))
        if rng.random() < 0.5:
            site.allowed_activities.set(rng.sample(activities, 3))
        sites.append(site)
    applications = []
    for _n in range(25):
        ideal = rng.choice([60, 120, 250, 600])
        application = ApplicationFactory(
            organisation=holder,
            state=rng.choice(["qualified", "searching"]),
            surface_min=Decimal(ideal // 2),
            surface_ideal=Decimal(ideal),
            surface_max=Decimal(ideal * 2),
            several_units_ok=rng.random() < 0.6,
            space_kind=rng.choice(["either", "building", "land"]),
            anywhere=rng.random() < 0.3,
            desired_start=TODAY + datetime.timedelta(days=rng.randint(0, 120)),
            duration_value=rng.choice([None, 6, 12, 24]),
            duration_flexible=rng.random() < 0.3,
            tenure=rng.choice(["temporary", "temporary", "long_term"]),
            max_monthly_budget=rng.choice([None, Decimal(300), Decimal(1500)]),
            needs_water=rng.random() < 0.3,
            needs_ground_floor=rng.random() < 0.2,
            must_be_open_to_public=rng.random() < 0.2,
            wants_central=rng.random() < 0.5,
            submitted_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 400)),
        )
        application.activity_types.set(rng.sample(activities, rng.randint(0, 2)))
        application.communes.set(rng.sample(COMMUNES, rng.randint(1, 2)))
        applications.append(application)
    return sites, applications


def test_rank_sites_as_the_plain_path(market):
    _sites, applications = market
    assert any(plain_rank_sites(a) for a in applications)
    for application in applications:
        for limit in (1, 3, 20):
            assert rank_sites(application, limit=limit, today=TODAY) == plain_rank_sites(
                application, limit
            )


def test_rank_applications_as_the_plain_path(market):
    sites, _applications = market
    assert any(plain_rank_applications(s) for s in sites)
    for site in sites:
        assert rank_applications(site, today=TODAY) == plain_rank_applications(site)


def stored_and_expected(applications):
    stored, expected = {}, {}
    for application in applications:
        stored[application.pk] = [
            (s.site_id, s.score, s.rank, s.unit_ids, s.surface_m2)
            for s in Suggestion.objects.filter(
                direction=Direction.SITES_FOR_APPLICATION, application=application
            ).order_by("rank")
        ]
        expected[application.pk] = [
            (r.site_id, r.score, rank_, list(r.unit_ids), r.surface)
            for rank_, r in enumerate(plain_rank_sites(application), start=1)
        ]
    return stored, expected


def test_refresh_all_stores_what_rank_sites_gives(market):
    _sites, applications = market
    written = suggestions_refresh_all(today=TODAY)
    assert written == Suggestion.objects.count() > 0
    stored, expected = stored_and_expected(applications)
    assert stored == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_refresh_all_written_by_its_thread_stores_what_rank_sites_gives(market):
    """Outside a transaction, on PostgreSQL, a thread writes each chunk while the next one is
    ranked: the rows are the same, every chunk is written, and the thread's connection is
    closed."""
    require(connection.vendor == "postgresql", "The writer thread runs on PostgreSQL only.")
    _sites, applications = market
    Suggestion.objects.create(
        direction=Direction.SITES_FOR_APPLICATION,
        application=applications[0],
        site=_sites[0],
        rank=99,
        score=1,
        lines=[],
        surface_m2=Decimal(1),
    )
    sessions = connection_count()

    written = suggestions_refresh_all(today=TODAY, chunk=4)

    assert written == Suggestion.objects.count() > 0
    stored, expected = stored_and_expected(applications)
    assert stored == expected
    assert connection_count() == sessions


def connection_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]
