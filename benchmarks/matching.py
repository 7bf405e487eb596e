"""How fast the matching engine ranks, against a bare SQL query with the same hard filters.

    make bench          # recreates the loket_bench PostgreSQL database, migrates, runs both
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loket_bench \\
        .venv/bin/python benchmarks/matching.py [--sites 10000] [--applications 10000]
        [--samples 200] [--no-recompute] [--results FILE]

Uses loket.settings.dev, so DATABASE_URL picks the database; give it a throwaway one (it must
be migrated: the communes and reference lists come from the migrations). The first run seeds
it (sites BENCH-S-*, applications BENCH-A-*) and keeps the data, so a second run on the same
database measures the same data without seeding again. Reported:

- top 20 sites for one application (`rank_sites`), p50 and p95 over `--samples` applications;
- top 20 applications for one site (`rank_applications`), p50 and p95 over `--samples` sites;
- for each, the bare SQL of the hard filters (`candidate_sites` / `candidate_applications`
  compiled once, then executed and fetched as ids), timed the same way, and the ratio;
- how long a process takes to load the offered sites and the matchable applications that the
  rankings keep in memory (again after any write to them);
- the full recompute, `suggestions_refresh_all()`, which writes the Suggestion rows.

`--results FILE` writes what the sampled rankings returned (ids, scores, units) as JSON, so two
versions of the engine can be compared on the same data.
"""

import argparse
import datetime
import json
import math
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
from django.utils import timezone  # noqa: E402

from loket.communes.models import Commune  # noqa: E402
from loket.organisations.models import Organisation  # noqa: E402
from loket.reference.models import ActivityType, EconomicModel, SiteKind, UnitKind  # noqa: E402
from matching.domain.suggestions import (  # noqa: E402
    _PAIR_POINTS,
    rank_applications,
    rank_sites,
    suggestions_refresh_all,
)
from matching.enums import Direction  # noqa: E402
from matching.filters import DAYS_PER_MONTH  # noqa: E402
from matching.market import (  # noqa: E402
    MatchableApplications,
    OfferedSites,
    applications_for_scoring,
    sites_for_scoring,
)
from matching.models import Suggestion  # noqa: E402
from matching.selectors import (  # noqa: E402
    MATCHABLE_STATES,
    candidate_applications,
    candidate_sites,
)
from projects.models import Application  # noqa: E402
from properties.models import Site, Unit  # noqa: E402
from properties.pricing import estimated_monthly_cost  # noqa: E402

SITE_PREFIX = "BENCH-S-"
APPLICATION_PREFIX = "BENCH-A-"
TRANSPORT = [
    "",
    "",
    "Bus 71 at 200 m",
    "Tram 81, bus 54",
    "Metro Schuman at 300 m",
    "Prémétro Lemonnier, tram 3",
    "Gare du Midi / Station Zuid, 600 m",
    "Bus 46 every 15 minutes",
]
FLOORS = ["0", "0", "1", "2", "3", "-1", "gf", "4"]
# Rough bounding box of the Region.
LAT, LON = (50.77, 50.91), (4.25, 4.48)


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def m2(value: float) -> Decimal:
    return Decimal(max(1, round(value)))


def seed_sites(count: int, rng: random.Random, today: datetime.date) -> None:
    """`count` offered sites, 1–6 units each, surfaces 30–12,000 m² (log-uniform)."""
    owners = Organisation.objects.bulk_create(
        Organisation(name=f"Bench owner {n}", legal_form="company") for n in range(300)
    )
    communes = list(Commune.objects.values_list("nis_code", flat=True))
    site_kinds = {k.code: k for k in SiteKind.objects.all()}
    unit_kinds = {k.code: k for k in UnitKind.objects.all()}
    models = {m.code: m for m in EconomicModel.objects.all()}
    activities = list(ActivityType.objects.all())
    building_units = ["office", "workshop", "hall", "shop", "storage", "dwelling", "other"]

    sites, plans = [], []
    for n in range(count):
        kind = rng.choices(["building", "land", "both"], weights=[70, 12, 18])[0]
        total = log_uniform(rng, 30, 12_000)
        n_units = min(rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 20, 18, 14, 10, 8])[0], 6)
        if total < 80:
            n_units = 1
        shares = [rng.uniform(0.3, 1.0) for _ in range(n_units)]
        surfaces = [m2(total * s / sum(shares)) for s in shares]
        unit_kind_codes = []
        for i in range(n_units):
            if kind == "land" or (kind == "both" and i == 0):
                unit_kind_codes.append("open_land")
            else:
                unit_kind_codes.append(rng.choice(building_units))
        available_from = today + datetime.timedelta(days=rng.randint(-120, 365))
        if rng.random() < 0.2:
            available_until = None
        else:
            available_until = available_from + datetime.timedelta(
                days=round(DAYS_PER_MONTH * rng.randint(6, 72))
            )
        model_code = rng.choices(
            ["free", "charges_only", "fee_per_m2", "fee_per_person", "all_in", "management", None],
            weights=[10, 30, 30, 5, 15, 5, 5],
        )[0]
        surface_total = sum(surfaces, Decimal(0))
        fee = charges = None
        if model_code == "fee_per_m2":
            fee = Decimal(rng.choice(["1.50", "2.00", "2.50", "3.00", "4.00", "5.00"]))
        elif model_code == "all_in":
            fee = Decimal(rng.randint(2, 80) * 50)
        elif model_code == "fee_per_person":
            fee = Decimal(rng.choice([50, 80, 120]))
        if model_code in ("charges_only", "fee_per_m2", "all_in") or rng.random() < 0.3:
            charges = m2(float(surface_total) * rng.uniform(0.3, 1.5))
        lat = rng.uniform(*LAT)
        lon = rng.uniform(*LON)
        sites.append(
            Site(
                reference=f"{SITE_PREFIX}{n:05d}",
                owner=rng.choice(owners),
                title=f"Bench site {n}",
                commune_id=rng.choice(communes),
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
                public_transport=rng.choice(TRANSPORT),
                kind=site_kinds[kind],
                future_project_start=available_until,
                available_from=available_from,
                available_until=available_until,
                min_duration_months=rng.choice([None, None, 3, 6, 12]),
                max_duration_months=rng.choice([None, None, 24, 36, 60]),
                has_electricity=rng.random() < 0.8,
                has_water=rng.random() < 0.75,
                has_heating=kind != "land" and rng.random() < 0.55,
                has_toilets=rng.random() < 0.7,
                has_kitchen=kind != "land" and rng.random() < 0.35,
                has_loading_access=rng.random() < 0.4,
                step_free_access=rng.random() < 0.45,
                open_to_public=rng.random() < 0.55,
                housing_allowed=rng.random() < 0.15,
                economic_model=models[model_code] if model_code else None,
                fee_amount=fee,
                charges_monthly=charges,
                total_surface_m2=surface_total,
                estimated_monthly_cost=estimated_monthly_cost(
                    model_code=model_code, fee=fee, surface_m2=surface_total, charges=charges
                ),
                state=rng.choices(["published", "partly_occupied"], weights=[85, 15])[0],
                publication=rng.choices(["public", "desk_only"], weights=[80, 20])[0],
                published_at=timezone.now(),
            )
        )
        plans.append(list(zip(surfaces, unit_kind_codes, strict=True)))
    sites = Site.objects.bulk_create(sites, batch_size=1000)

    units, links = [], []
    through = Site.allowed_activities.through
    for site, plan in zip(sites, plans, strict=True):
        for position, (surface, code) in enumerate(plan):
            own_dates = rng.random() < 0.1
            units.append(
                Unit(
                    site=site,
                    name=f"Unit {position + 1}",
                    floor="" if code == "open_land" else rng.choice(FLOORS),
                    kind=unit_kinds[code],
                    surface_m2=surface,
                    available_from=site.available_from + datetime.timedelta(days=60)
                    if own_dates
                    else None,
                    position=position,
                )
            )
        if rng.random() < 0.6:  # the others list no activities yet: anything goes
            for activity in rng.sample(activities, rng.randint(2, 7)):
                links.append(through(site_id=site.pk, activitytype_id=activity.pk))
    Unit.objects.bulk_create(units, batch_size=2000)
    through.objects.bulk_create(links, batch_size=2000)


def seed_applications(count: int, rng: random.Random, today: datetime.date) -> None:
    """`count` qualified or searching applications with realistic wishes."""
    holders = Organisation.objects.bulk_create(
        Organisation(name=f"Bench holder {n}", legal_form="nonprofit") for n in range(2000)
    )
    communes = list(Commune.objects.values_list("nis_code", flat=True))
    activities = list(ActivityType.objects.all())
    applications = []
    for n in range(count):
        ideal = log_uniform(rng, 25, 5000)
        low = ideal * rng.uniform(0.4, 0.9)
        high = ideal * rng.uniform(1.2, 3.0)
        long_term = rng.random() < 0.12
        months = rng.randint(6, 36)
        in_years = not long_term and months % 12 == 0 and rng.random() < 0.5
        submitted = timezone.now() - datetime.timedelta(days=rng.randint(10, 600))
        applications.append(
            Application(
                reference=f"{APPLICATION_PREFIX}{n:05d}",
                organisation=rng.choice(holders),
                title=f"Bench project {n}",
                surface_min=m2(low),
                surface_ideal=m2(ideal),
                surface_max=m2(high),
                space_kind=rng.choices(["either", "building", "land"], weights=[35, 55, 10])[0],
                several_units_ok=rng.random() < 0.7,
                needs_ground_floor=rng.random() < 0.15,
                needs_loading=rng.random() < 0.15,
                needs_water=rng.random() < 0.35,
                needs_power=rng.random() < 0.6,
                needs_heating=rng.random() < 0.25,
                needs_kitchen=rng.random() < 0.1,
                needs_step_free=rng.random() < 0.15,
                must_be_open_to_public=rng.random() < 0.3,
                anywhere=rng.random() < 0.25,
                wants_central=rng.random() < 0.3,
                wants_public_transport=rng.random() < 0.5,
                desired_start=None
                if rng.random() < 0.2
                else today + datetime.timedelta(days=rng.randint(-30, 300)),
                duration_value=None if long_term else (months // 12 if in_years else months),
                duration_unit="years" if in_years else "months",
                duration_flexible=rng.random() < 0.3,
                tenure="long_term" if long_term else "temporary",
                max_monthly_budget=None
                if rng.random() < 0.3
                else Decimal(rng.choice([150, 300, 500, 800, 1200, 2000, 3500, 6000])),
                overnight_stay=rng.random() < 0.05,
                housing_people=rng.choice([None, None, None, 0, 4]) if rng.random() < 0.1 else None,
                neighbourhood_value="Workshops for the street" if rng.random() < 0.5 else "",
                commune_contacted=rng.random() < 0.3,
                programme=[],
                state=rng.choice(["qualified", "searching"]),
                submitted_at=submitted,
                confirmed_at=submitted,
            )
        )
    applications = Application.objects.bulk_create(applications, batch_size=1000)
    activity_links, commune_links = [], []
    a_through = Application.activity_types.through
    c_through = Application.communes.through
    for application in applications:
        for activity in rng.sample(activities, rng.choices([1, 2, 3], weights=[50, 35, 15])[0]):
            activity_links.append(
                a_through(application_id=application.pk, activitytype_id=activity.pk)
            )
        if not application.anywhere:
            for code in rng.sample(communes, rng.choices([1, 2, 3], weights=[45, 35, 20])[0]):
                commune_links.append(c_through(application_id=application.pk, commune_id=code))
    a_through.objects.bulk_create(activity_links, batch_size=2000)
    c_through.objects.bulk_create(commune_links, batch_size=2000)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    f, c = math.floor(k), math.ceil(k)
    return ordered[f] + (ordered[c] - ordered[f]) * (k - f)


def bare_timing(queryset) -> tuple[float, int]:
    """Execute the compiled SQL of `queryset` (ids only) and fetch: ms and the rows."""
    sql, params = queryset.values_list("pk", flat=True).query.sql_with_params()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return (time.perf_counter() - started) * 1000, len(rows)


def measure(label, objects, ranker, bare_queryset, today):
    """p50/p95 of `ranker(obj)` and of the bare query, plus the survivors."""
    for obj in objects[:5]:  # warm up: connection, caches, query plans
        ranker(obj)
    engine, bare, survivors, kept_sizes, results = [], [], [], [], {}
    for obj in objects:
        started = time.perf_counter()
        ranked = ranker(obj)
        engine.append((time.perf_counter() - started) * 1000)
        results[obj.pk] = [
            [r.site_id, r.application_id, r.score, list(r.unit_ids), str(r.surface)] for r in ranked
        ]
        kept_sizes.append(len(ranked))
    for obj in objects:
        ms, rows = bare_timing(bare_queryset(obj))
        bare.append(ms)
        survivors.append(rows)
    row = {
        "label": label,
        "p50": percentile(engine, 0.5),
        "p95": percentile(engine, 0.95),
        "bare_p50": percentile(bare, 0.5),
        "bare_p95": percentile(bare, 0.95),
        "survivors_p50": percentile(survivors, 0.5),
        "survivors_p95": percentile(survivors, 0.95),
        "survivors_max": max(survivors),
        "kept_mean": statistics.mean(kept_sizes),
    }
    return row, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-recompute", action="store_true", help="skip the full recompute")
    parser.add_argument("--results", help="write the sampled rankings to this JSON file")
    args = parser.parse_args()

    today = timezone.localdate()
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']};"
        f" cores: {os.cpu_count()}; today: {today}"
    )
    if not Site.objects.filter(reference__startswith=SITE_PREFIX).exists():
        started = time.perf_counter()
        rng = random.Random(args.seed)
        with transaction.atomic():
            seed_sites(args.sites, rng, today)
            seed_applications(args.applications, rng, today)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(f"seeded in {time.perf_counter() - started:.1f} s")
    else:
        print("reusing the data already seeded (drop the database to seed again)")
    print(
        f"sites offered: {Site.objects.filter(state__in=['published', 'partly_occupied']).count()};"
        f" units: {Unit.objects.count()};"
        f" applications matchable: "
        f"{Application.objects.filter(state__in=['qualified', 'searching']).count()}"
    )

    rng = random.Random(args.seed + 1)
    app_ids = sorted(
        Application.objects.filter(reference__startswith=APPLICATION_PREFIX).values_list(
            "pk", flat=True
        )
    )
    site_ids = sorted(
        Site.objects.filter(reference__startswith=SITE_PREFIX).values_list("pk", flat=True)
    )
    chosen = rng.sample(app_ids, args.samples)
    sample_apps = list(applications_for_scoring(Application.objects.filter(pk__in=chosen)))
    sample_sites = list(
        sites_for_scoring(Site.objects.filter(pk__in=rng.sample(site_ids, args.samples)), today)
    )
    rng.shuffle(sample_apps)
    rng.shuffle(sample_sites)

    # What a process pays once, and again after each write to the data it keeps in memory.
    started = time.perf_counter()
    OfferedSites(today)
    sites_loaded = time.perf_counter() - started
    started = time.perf_counter()
    MatchableApplications(
        Application.objects.filter(state__in=MATCHABLE_STATES), today, _PAIR_POINTS
    )
    applications_loaded = time.perf_counter() - started

    rows, results = [], {}
    row, results["sites_for_application"] = measure(
        "top 20 sites for one application",
        sample_apps,
        lambda a: rank_sites(a, today=today),
        lambda a: candidate_sites(a, today=today),
        today,
    )
    rows.append(row)
    row, results["applications_for_site"] = measure(
        "top 20 applications for one site",
        sample_sites,
        lambda s: rank_applications(s, today=today),
        candidate_applications,
        today,
    )
    rows.append(row)

    print()
    print(
        f"{args.samples} samples each; times in ms; load average"
        f" {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    header = (
        f"{'':34} {'p50':>7} {'p95':>7} {'bare p50':>9} {'bare p95':>9}"
        f" {'ratio p50':>9} {'ratio p95':>9} {'DB survivors p50/p95/max':>25} {'kept':>5}"
    )
    print(header)
    for r in rows:
        survivors = f"{r['survivors_p50']:.0f} / {r['survivors_p95']:.0f} / {r['survivors_max']}"
        print(
            f"{r['label']:34} {r['p50']:7.2f} {r['p95']:7.2f} {r['bare_p50']:9.2f}"
            f" {r['bare_p95']:9.2f} {r['p50'] / r['bare_p50']:9.1f}"
            f" {r['p95'] / r['bare_p95']:9.1f} {survivors:>25} {r['kept_mean']:5.1f}"
        )

    print(
        f"kept in memory, loaded once per process and again after a write: offered sites"
        f" {sites_loaded:.2f} s, matchable applications {applications_loaded:.2f} s"
    )

    if not args.no_recompute:
        load = os.getloadavg()
        cpu = time.process_time()
        started = time.perf_counter()
        written = suggestions_refresh_all(today=today)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        stored = Suggestion.objects.count()
        print()
        print(
            f"full recompute (suggestions_refresh_all): {elapsed:.1f} s ({cpu:.1f} s of CPU in"
            f" this process); {written} rows written, {stored} stored"
        )
        after = os.getloadavg()
        print(
            "load average before and after the recompute:"
            f" {' '.join(f'{v:.2f}' for v in load)} / {' '.join(f'{v:.2f}' for v in after)}"
        )
        # The stored lists must be what rank_sites gives, application by application.
        differ = 0
        for application_id, expected in results["sites_for_application"].items():
            stored_rows = Suggestion.objects.filter(
                direction=Direction.SITES_FOR_APPLICATION, application_id=application_id
            ).order_by("rank")
            got = [
                [r.site_id, r.application_id, r.score, r.unit_ids, str(r.surface_m2)]
                for r in stored_rows
            ]
            differ += got != expected
        print(
            f"stored lists equal to rank_sites for {len(sample_apps) - differ}"
            f" of {len(sample_apps)} sampled applications"
        )
    if args.results:
        Path(args.results).write_text(json.dumps(results, sort_keys=True))
        print(f"rankings written to {args.results}")


if __name__ == "__main__":
    main()
