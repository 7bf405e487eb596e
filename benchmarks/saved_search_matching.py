"""How long `projects.selectors.saved_searches_fitting(site)` takes with many saved searches.

    .venv/bin/python benchmarks/saved_search_matching.py [--searches 5000] [--runs 15]

Uses loket.settings.dev, so DATABASE_URL picks the database (SQLite in a file when unset). The
database must be migrated: the reference lists and communes come from the migrations. Everything
the script creates is made inside one transaction that is rolled back at the end, so it leaves
the database as it found it.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loket.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from loket.accounts.models import User  # noqa: E402
from loket.communes.models import Commune  # noqa: E402
from loket.reference.models import ActivityType, EconomicModel, SiteKind  # noqa: E402
from projects.models import SavedSearch  # noqa: E402
from projects.selectors import saved_searches_fitting  # noqa: E402
from tests.factories import SiteFactory  # noqa: E402


class Rollback(Exception):
    pass


def create_searches(count: int, rng: random.Random) -> None:
    """`count` searches spread over 500 users, with a realistic mix of criteria: most give a
    surface range and some communes, fewer a kind, an activity, a budget or dates."""
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", password="!") for n in range(500)
    )
    communes = list(Commune.objects.values_list("nis_code", flat=True))
    kinds = list(SiteKind.objects.all())
    activities = list(ActivityType.objects.all())
    models = list(EconomicModel.objects.all())
    searches = []
    for n in range(count):
        low = rng.choice([None, 50, 100, 200, 500, 1000, 2000])
        high = rng.choice([None, 300, 800, 1500, 5000, 10000])
        if low is not None and high is not None and high < low:
            low, high = high, low
        start = rng.choice([None, "2026-06-01", "2027-01-01", "2027-09-01", "2028-03-01"])
        searches.append(
            SavedSearch(
                user=users[n % len(users)],
                name=f"search {n}",
                surface_min=low,
                surface_max=high,
                kind=rng.choice(kinds) if rng.random() < 0.3 else None,
                activity=rng.choice(activities) if rng.random() < 0.4 else None,
                economic_model=rng.choice(models) if rng.random() < 0.15 else None,
                max_cost=Decimal(rng.choice([100, 300, 500, 1000, 3000]))
                if rng.random() < 0.5
                else None,
                needs_open_to_public=rng.random() < 0.2,
                needs_step_free=rng.random() < 0.1,
                available_from=start,
            )
        )
    searches = SavedSearch.objects.bulk_create(searches, batch_size=1000)
    through = SavedSearch.communes.through
    links = []
    for search in searches:
        if rng.random() < 0.7:
            for code in rng.sample(communes, rng.randint(1, 4)):
                links.append(through(savedsearch_id=search.pk, commune_id=code))
    through.objects.bulk_create(links, batch_size=2000)


def create_sites() -> dict:
    central = SiteFactory(reference="BENCH-1", commune_id="21004", units=[200])
    studios = SiteFactory(
        reference="BENCH-2",
        commune_id="21015",
        units=[800, 400],
        open_to_public=True,
        step_free_access=True,
    )
    studios.allowed_activities.set(ActivityType.objects.filter(code__in=["studios", "cultural"]))
    land = SiteFactory(
        reference="BENCH-3",
        commune_id="21001",
        units=[4500],
        kind=SiteKind.objects.get(code="land"),
        available_from=None,
        available_until=None,
    )
    return {"central 200 m²": central, "studios 1,200 m²": studios, "land 4,500 m²": land}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    vendor = connection.vendor
    print(f"database: {vendor} {connection.settings_dict['NAME']}; cores: {os.cpu_count()}")
    try:
        with transaction.atomic():
            create_searches(args.searches, random.Random(42))
            sites = create_sites()
            if vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"saved searches: {SavedSearch.objects.count()}; runs per site: {args.runs}")
            for label, site in sites.items():
                timings, found = [], 0
                list(saved_searches_fitting(site).values_list("pk", flat=True))  # warm up
                for _ in range(args.runs):
                    started = time.perf_counter()
                    found = len(list(saved_searches_fitting(site).values_list("pk", flat=True)))
                    timings.append((time.perf_counter() - started) * 1000)
                median = statistics.median(timings)
                print(
                    f"{label:>18}: {found:5d} searches fit; median {median:7.2f} ms,"
                    f" min {min(timings):7.2f} ms, max {max(timings):7.2f} ms"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
