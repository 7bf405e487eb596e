"""The engine's data loading: sites and applications read from the database and turned into
the engine's plain data (`matching.data`).

One translation per side, whatever the source: `site_data` and `application_data` take a
model instance (loaded with what they read: `sites_for_scoring`, `applications_for_scoring`),
`site_data_list` and `application_data_list` read `.values()` rows without model instances,
three queries for any number of rows; both go through the same `_site_data` and
`_application_data`. A site's engine data holds its free units only: a unit promised to an
active occupation is no longer on offer.

`OfferedSites` loads every offered site once and `MatchableApplications` every matchable
application, with the hard filters' in-memory tests; `cached` keeps one of each in the process
for as long as the database's version of its data (`engine_versions`) stays the same.
"""

import bisect
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from loket.reference.models import ActivityType, EconomicModel, SiteKind, UnitKind
from projects.enums import DurationUnit, SpaceKind, Tenure
from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site, Unit

from .data import ApplicationData, SiteData, UnitData
from .enums import ACTIVE_OCCUPATION_STATES
from .filters import (
    CANNOT_HOLD,
    FEATURES,
    SCALED_COST_MODELS,
    Offer,
    Wish,
    applications_fitting,
    has_ground_floor,
    shortest_overlap,
    sites_admitted,
)
from .models import Occupation, OccupationUnit
from .scoring import _expectations_line, _transport_line, _waiting_line


def booked_units_exists(today: datetime.date):
    """True for a unit promised to an active occupation that has not ended by `today`."""
    return Exists(
        OccupationUnit.objects.filter(
            unit=OuterRef("pk"),
            occupation__state__in=ACTIVE_OCCUPATION_STATES,
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


def _among(ids: list[int]):
    """The right-hand side of `field__in` for a long list of ids: one array parameter on
    PostgreSQL (thousands of placeholders cost more to build than the query takes)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids


# ---------------------------------------------------------------------------------------------
# Sites

# The Site columns the engine reads, as `.values()` names; `_site_row` reads the same from an
# instance.
_SITE_FIELDS = (
    "pk",
    "commune_id",
    "kind_id",
    "kind__code",
    "total_surface_m2",
    "available_from",
    "available_until",
    "min_duration_months",
    "max_duration_months",
    "housing_allowed",
    "open_to_public",
    "step_free_access",
    "has_water",
    "has_electricity",
    "has_heating",
    "has_kitchen",
    "has_loading_access",
    "economic_model_id",
    "economic_model__code",
    "fee_amount",
    "charges_monthly",
    "estimated_monthly_cost",
    "public_transport",
    "latitude",
    "longitude",
    "future_project_start",
)
# The Unit columns the engine reads, in `_unit`'s order.
_UNIT_FIELDS = (
    "pk",
    "surface_m2",
    "kind__code",
    "floor",
    "available_from",
    "available_until",
)


def _unit(pk, surface, kind, floor, available_from, available_until) -> UnitData:
    return UnitData(
        id=pk,
        surface=surface,
        kind=kind,
        floor=floor,
        available_from=available_from,
        available_until=available_until,
    )


def _site_data(row: dict, free: list[UnitData], has_units: bool, activities) -> SiteData:
    """The engine's data for one site: `row` holds `_SITE_FIELDS`, `free` its free units,
    `has_units` whether it has any unit at all (a site with units is let by its units; one
    without is let as a whole, with its stored total)."""
    if has_units:
        total = sum((u.surface for u in free), Decimal(0))
    else:
        total = row["total_surface_m2"] or 0
    return SiteData(
        id=row["pk"],
        commune=row["commune_id"] or "",
        kind=row["kind__code"] if row["kind_id"] else "building",
        total_surface=Decimal(total),
        units=tuple(free) if has_units else (),
        divided=has_units,
        available_from=row["available_from"],
        available_until=row["available_until"],
        min_duration_months=row["min_duration_months"],
        max_duration_months=row["max_duration_months"],
        activities=frozenset(activities),
        housing_allowed=row["housing_allowed"],
        open_to_public=row["open_to_public"],
        step_free_access=row["step_free_access"],
        has_water=row["has_water"],
        has_electricity=row["has_electricity"],
        has_heating=row["has_heating"],
        has_kitchen=row["has_kitchen"],
        has_loading_access=row["has_loading_access"],
        economic_model=row["economic_model__code"] if row["economic_model_id"] else None,
        fee=row["fee_amount"],
        charges=row["charges_monthly"],
        monthly_cost=row["estimated_monthly_cost"],
        public_transport=row["public_transport"],
        latitude=float(row["latitude"]) if row["latitude"] is not None else None,
        longitude=float(row["longitude"]) if row["longitude"] is not None else None,
        future_project_start=row["future_project_start"],
    )


def _value(instance, name: str):
    """`instance`'s value for a `.values()` name: "pk", a column, or "relation__field"."""
    if "__" in name:
        relation, field = name.split("__", 1)
        related = getattr(instance, relation)
        return None if related is None else getattr(related, field)
    return getattr(instance, name)


def sites_for_scoring(queryset: QuerySet[Site], today: datetime.date) -> QuerySet[Site]:
    """Everything `site_data` reads, in three queries whatever the number of sites."""
    units = Unit.objects.select_related("kind").annotate(booked=booked_units_exists(today))
    return queryset.select_related("kind", "economic_model").prefetch_related(
        Prefetch("units", queryset=units),
        Prefetch("allowed_activities", queryset=ActivityType.objects.only("pk", "code")),
    )


def site_data(site: Site) -> SiteData:
    """A site (from `sites_for_scoring`) with its free units as engine data."""
    units = site.units.all()
    free = [
        _unit(*(_value(u, name) for name in _UNIT_FIELDS))
        for u in units
        if not getattr(u, "booked", False)
    ]
    row = {name: _value(site, name) for name in _SITE_FIELDS}
    return _site_data(row, free, bool(units), (a.code for a in site.allowed_activities.all()))


def site_data_list(queryset: QuerySet[Site], today: datetime.date) -> list[SiteData]:
    """`site_data` for every site of `queryset`, in three queries and without model instances,
    at a fraction of the cost."""
    rows = list(queryset.values(*_SITE_FIELDS))
    if not rows:
        return []
    ids = [row["pk"] for row in rows]
    free: dict[int, list[UnitData]] = {pk: [] for pk in ids}
    has_units: set[int] = set()
    unit_rows = (
        Unit.objects.filter(site_id__in=_among(ids))
        .annotate(booked=booked_units_exists(today))
        .order_by("position", "pk")  # Unit's own ordering, as the prefetch uses
        .values_list("site_id", "booked", *_UNIT_FIELDS)
    )
    for site_id, booked, *fields in unit_rows:
        has_units.add(site_id)
        if not booked:
            free[site_id].append(_unit(*fields))
    activities: dict[int, set[str]] = {}
    links = Site.allowed_activities.through.objects.filter(site_id__in=_among(ids)).values_list(
        "site_id", "activitytype__code"
    )
    for site_id, code in links:
        activities.setdefault(site_id, set()).add(code)
    return [
        _site_data(row, free[row["pk"]], row["pk"] in has_units, activities.get(row["pk"], ()))
        for row in rows
    ]


def offer(site: Site) -> Offer:
    """A site (from `sites_for_scoring`) as the applications' prefilter sees it."""
    return Offer(site_data(site), frozenset(a.pk for a in site.allowed_activities.all()))


# ---------------------------------------------------------------------------------------------
# Applications

# The Application columns the engine reads, as `.values()` names.
_APPLICATION_FIELDS = (
    "pk",
    "surface_min",
    "surface_ideal",
    "surface_max",
    "space_kind",
    "several_units_ok",
    "overnight_stay",
    "housing_people",
    "must_be_open_to_public",
    "needs_step_free",
    "needs_ground_floor",
    "needs_loading",
    "needs_water",
    "needs_power",
    "needs_heating",
    "needs_kitchen",
    "anywhere",
    "wants_central",
    "wants_public_transport",
    "desired_start",
    "duration_value",
    "duration_unit",
    "duration_flexible",
    "tenure",
    "max_monthly_budget",
    "neighbourhood_value",
    "programme",
    "commune_contacted",
    "submitted_at",
)


def duration_months(value: int | None, unit: str) -> int | None:
    if not value:
        return None
    return value * (12 if unit == DurationUnit.YEARS else 1)


def _application_data(row: dict, activities: Iterable[str], communes) -> ApplicationData:
    """The engine's data for one application: `row` holds `_APPLICATION_FIELDS`."""
    activities = frozenset(activities)
    surface_min = row["surface_min"] or Decimal(0)
    programme = row["programme"] or []
    return ApplicationData(
        id=row["pk"],
        surface_min=surface_min,
        surface_ideal=row["surface_ideal"] or surface_min,
        surface_max=row["surface_max"] or Decimal("1e9"),  # none given, or 0: no maximum
        space_kind=row["space_kind"] or SpaceKind.EITHER,
        several_units_ok=row["several_units_ok"],
        activities=activities,
        housing=bool(row["overnight_stay"] or row["housing_people"]),
        must_be_open_to_public=row["must_be_open_to_public"],
        needs_step_free=row["needs_step_free"],
        needs_ground_floor=row["needs_ground_floor"],
        needs_loading=row["needs_loading"],
        needs_water=row["needs_water"],
        needs_power=row["needs_power"],
        needs_heating=row["needs_heating"],
        needs_kitchen=row["needs_kitchen"],
        communes=frozenset(communes),
        anywhere=row["anywhere"],
        wants_central=row["wants_central"],
        wants_public_transport=row["wants_public_transport"],
        desired_start=row["desired_start"],
        duration_months=duration_months(row["duration_value"], row["duration_unit"]),
        duration_flexible=row["duration_flexible"],
        long_term=row["tenure"] == Tenure.LONG_TERM,
        max_monthly_budget=row["max_monthly_budget"],
        neighbourhood_value=bool(row["neighbourhood_value"].strip()),
        mixed_programme=len(programme) >= 2 or len(activities) >= 2,
        commune_contacted=row["commune_contacted"],
        waiting_since=(timezone.localdate(row["submitted_at"]) if row["submitted_at"] else None),
    )


def applications_for_scoring(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Everything `application_data` reads, in three queries whatever the number."""
    return queryset.prefetch_related(
        Prefetch("activity_types", queryset=ActivityType.objects.only("pk", "code")),
        "communes",
    )


def application_data(application: Application) -> ApplicationData:
    """An application (from `applications_for_scoring`) as engine data."""
    return _application_data(
        {name: _value(application, name) for name in _APPLICATION_FIELDS},
        [a.code for a in application.activity_types.all()],
        [c.pk for c in application.communes.all()],
    )


def application_data_list(queryset: QuerySet[Application]) -> list[ApplicationData]:
    """`application_data` for every application of `queryset`, in three queries and without
    model instances."""
    rows = list(
        Application.objects.filter(pk__in=queryset.order_by().values("pk"))
        .order_by()
        .values(*_APPLICATION_FIELDS)
    )
    if not rows:
        return []
    ids = [row["pk"] for row in rows]
    activities: dict[int, list[str]] = {}
    for application_id, code in Application.activity_types.through.objects.filter(
        application_id__in=_among(ids)
    ).values_list("application_id", "activitytype__code"):
        activities.setdefault(application_id, []).append(code)
    communes: dict[int, list[str]] = {}
    for application_id, commune_id in Application.communes.through.objects.filter(
        application_id__in=_among(ids)
    ).values_list("application_id", "commune_id"):
        communes.setdefault(application_id, []).append(commune_id)
    return [
        _application_data(row, activities.get(row["pk"], ()), communes.get(row["pk"], ()))
        for row in rows
    ]


def wish(application: Application, today: datetime.date) -> Wish:
    """An application (from `applications_for_scoring`) as the sites' prefilters see it."""
    return Wish.of(
        application_data(application),
        [a.pk for a in application.activity_types.all()],
        today,
    )


# ---------------------------------------------------------------------------------------------
# The engine's data kept in memory


# The tables each kind of the engine's data is read from, as the triggers of migrations 0007
# and 0009 watch them.
def _watched() -> dict[str, list[str]]:
    sites = [
        Site,
        Unit,
        Site.allowed_activities.through,
        Occupation,
        OccupationUnit,
        SiteKind,
        UnitKind,
        EconomicModel,
        ActivityType,
    ]
    applications = [
        Application,
        Application.activity_types.through,
        Application.communes.through,
        ActivityType,
    ]
    return {
        "sites": [m._meta.db_table for m in sites],
        "applications": [m._meta.db_table for m in applications],
    }


# Lock modes that a write (or TRUNCATE) holds on its table until the transaction ends.
_WRITE_LOCKS = ["RowExclusiveLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]


# The two versions (a sequence's last value, moved on by its first `nextval` too), each with
# whether a write lock is held on one of its tables: 1, 2 the sites, 3, 4 the applications.
_VERSIONS_SQL = """
SELECT
    (SELECT last_value + is_called::int FROM matching_engine_sites_seq),
    EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'relation'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND relation = ANY(%s::regclass[]) AND mode = ANY(%s)
    ),
    (SELECT last_value + is_called::int FROM matching_engine_applications_seq),
    EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'relation'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND relation = ANY(%s::regclass[]) AND mode = ANY(%s)
    )
"""


def engine_versions() -> dict[str, tuple[int, bool]]:
    """For "sites" and "applications", the current version of the engine's data (a number the
    database changes whenever a table it is read from is written, in any way: the triggers of
    migrations 0007 and 0009) and whether a transaction, this one included, is writing one of
    those tables right now (then what is read may not be kept: that transaction may commit
    without a further change of the version). One query."""
    watched = _watched()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name, version FROM matching_engine_version")
            return {name: (version, False) for name, version in cursor.fetchall()}
        cursor.execute(
            _VERSIONS_SQL,
            [watched["sites"], _WRITE_LOCKS, watched["applications"], _WRITE_LOCKS],
        )
        sites, sites_writing, applications, applications_writing = cursor.fetchone()
    return {"sites": (sites, sites_writing), "applications": (applications, applications_writing)}


_kept: dict[str, tuple[tuple, object]] = {}


def cached(name: str, today: datetime.date, build: Callable[[], object], versions=None):
    """`build()`, kept in the process until the version `name` of the engine's data or the day
    changes. The version is read before the data, so the data kept is at least as new as the
    version it is kept under; a version is never given twice, so data read inside a
    transaction that is rolled back is never used again; and nothing is kept while a
    transaction is writing (its commit would not change the version again)."""
    versions = engine_versions() if versions is None else versions
    if name not in versions:
        return build()
    version, writing = versions[name]
    key = (connection.alias, connection.settings_dict["NAME"], today, version)
    kept = _kept.get(name)
    if kept is not None and kept[0] == key:
        return kept[1]
    value = build()
    if not writing:
        _kept[name] = (key, value)
    return value


# The four ways a request can weigh public transport (`_transport_line`): wants public
# transport, wants central, as the index `2 * transport + central`.
_TRANSPORT_WISHES = [
    ApplicationData(
        id=0,
        surface_min=Decimal(0),
        surface_ideal=Decimal(0),
        surface_max=Decimal(0),
        wants_public_transport=transport,
        wants_central=central,
    )
    for transport in (False, True)
    for central in (False, True)
]


def transport_points(site: SiteData) -> tuple[int, ...]:
    """The site's transport points for each way a request weighs them (`_TRANSPORT_WISHES`)."""
    return tuple(_transport_line(w, site).points for w in _TRANSPORT_WISHES)


def _transport_index(application: ApplicationData) -> int:
    return 2 * application.wants_public_transport + application.wants_central


# ---------------------------------------------------------------------------------------------
# Every offered site at once


class OfferedSites:
    """Every offered site loaded once as engine data, so that one application's sites are
    ranked without a query of their own.

    `candidates(wish)` gives the sites that pass the hard filters' in-memory tests
    (`filters.sites_admitted`), each with the points `scoring._transport_line` gives it (an exact
    part of the upper bound on its score that the ranking stops on). The tests run only on the
    sites that a coarser index lets through (`_SiteIndex`), for speed only: the index keeps
    every site the tests would keep."""

    def __init__(self, today: datetime.date):
        self.today = today
        offered = Site.objects.filter(state__in=OFFERED_STATES).order_by()
        self.sites: list[SiteData] = []  # those with something to offer
        self.transport_points: dict[int, tuple[int, ...]] = {}
        self.by_id: dict[int, SiteData] = {}  # every offered site, with free units or not
        for site in site_data_list(offered, today):
            self.by_id[site.id] = site
            if not site.pool_surfaces["either"]:
                continue  # every unit is taken: the site has nothing to offer
            self.transport_points[site.id] = transport_points(site)
            self.sites.append(site)
        self.index = _SiteIndex(self.sites)

    def candidates(self, wish: Wish) -> list[tuple[int, SiteData]]:
        """(transport points, site) for every offered site that passes the in-memory tests."""
        sites = self.sites
        pool = [sites[i] for i in _members(self.index.select(wish), len(sites))]
        transport = _transport_index(wish.application)
        points = self.transport_points
        return [(points[site.id][transport], site) for site in sites_admitted(wish, pool)]


# The positions of the set bits of each byte value.
_BYTE_BITS = [tuple(i for i in range(8) if value >> i & 1) for value in range(256)]


def _members(bits: int, size: int) -> list[int]:
    """The positions of the set bits of `bits`, lowest first."""
    found = []
    for position, value in enumerate(bits.to_bytes((size + 7) // 8 or 1, "little")):
        if value:
            base = position * 8
            found.extend(base + i for i in _BYTE_BITS[value])
    return found


def _bits(positions) -> int:
    bits = 0
    for position in positions:
        bits |= 1 << position
    return bits


class _Threshold:
    """Values of the sites (one per site, None for none), sorted, with the sets (bits by
    position) of every `STEP`-th prefix, so that `at_least` and `at_most` give, in a few
    operations, a superset of the sites whose value is within the bound, at most `STEP` too
    many. A site without a value is in every set."""

    STEP = 64

    def __init__(self, values: list):
        order = sorted((v, i) for i, v in enumerate(values) if v is not None)
        self.values = [v for v, _i in order]
        self.missing = _bits(i for i, v in enumerate(values) if v is None)
        self.prefixes, bits = [], 0
        for k, (_v, i) in enumerate(order):
            if k % self.STEP == 0:
                self.prefixes.append(bits)
            bits |= 1 << i
        self.prefixes.append(bits)  # the whole order, after the last step
        self.valued = bits

    def _prefix(self, k: int) -> int:
        return self.prefixes[min(k, len(self.prefixes) - 1)]

    def at_most(self, bound) -> int:
        end = bisect.bisect_right(self.values, bound)
        return self._prefix(-(-end // self.STEP)) | self.missing

    def at_least(self, bound) -> int:
        start = bisect.bisect_left(self.values, bound)
        return (self.valued ^ self._prefix(start // self.STEP)) | self.missing


# The needs of a request and the site's fields that meet them: the requirement filters of
# `filters` (housing, public, accessible) and the features.
_NEEDS = (
    ("housing", "housing_allowed"),
    ("must_be_open_to_public", "open_to_public"),
    ("needs_step_free", "step_free_access"),
    *((f.needs, f.has) for f in FEATURES),
)


class _SiteIndex:
    """Sets of sites (bits by position) by commune, kind, need, activity, dates, surface and
    price, whose intersection for one request keeps every site that passes the hard filters'
    in-memory tests, and a few more (those tests run next)."""

    def __init__(self, sites: list[SiteData]):
        positions = range(len(sites))
        self.all = (1 << len(sites)) - 1
        self.communes: dict[str, int] = {}
        for i, site in enumerate(sites):
            self.communes[site.commune] = self.communes.get(site.commune, 0) | 1 << i
        self.kind_not = {
            kind: _bits(i for i in positions if sites[i].kind != kind)
            for kind in ("land", "building")
        }
        self.has = {
            has: _bits(i for i in positions if getattr(sites[i], has)) for _n, has in _NEEDS
        }
        self.ground_floor = _bits(i for i in positions if has_ground_floor(sites[i], ()))
        self.none_listed = _bits(i for i in positions if not sites[i].activities)
        self.activities: dict[str, int] = {}
        for i, site in enumerate(sites):
            for code in site.activities:
                self.activities[code] = self.activities.get(code, self.none_listed) | 1 << i
        self.until = _Threshold([s.available_until for s in sites])
        self.since = _Threshold([s.available_from for s in sites])
        # Every part the request could be given is among the site's free units (or the site).
        self.total = _Threshold([s.total_surface for s in sites])
        self.smallest = _Threshold([s.pool_surfaces["either"][0] for s in sites])
        self.cost = _Threshold(
            [None if s.economic_model in SCALED_COST_MODELS else s.monthly_cost for s in sites]
        )

    def select(self, wish: Wish) -> int:
        data = wish.application
        bits = self.all
        if not data.anywhere:
            bits &= _bits_or(self.communes.get(c, 0) for c in data.communes)
        wrong = CANNOT_HOLD.get(data.space_kind)
        if wrong is not None:
            bits &= self.kind_not[wrong]
        for needs, has in _NEEDS:
            if getattr(data, needs):
                bits &= self.has[has]
        if data.needs_ground_floor:
            bits &= self.ground_floor
        for code in data.activities:
            bits &= self.activities.get(code, self.none_listed)
        start, end, required = wish.window
        bits &= self.until.at_least(start + shortest_overlap(required))
        if end is not None:
            bits &= self.since.at_most(end - shortest_overlap(required))
        bits &= self.total.at_least(data.surface_min) & self.smallest.at_most(data.surface_max)
        if data.max_monthly_budget is not None:
            bits &= self.cost.at_most(data.max_monthly_budget)
        return bits


def _bits_or(sets) -> int:
    bits = 0
    for one in sets:
        bits |= one
    return bits


# ---------------------------------------------------------------------------------------------
# Every matchable application at once


class MatchableApplications:
    """Every application of `queryset` (the matchable ones) loaded once as engine data, so
    that one site's applications are ranked without a query of their own.

    `candidates(site)` gives the applications that pass the hard filters' in-memory tests
    (`filters.applications_fitting`), each with the highest score it could reach on that site
    (`own` points, the site's transport points for it, and the most the pair criteria give).
    They are looked up by commune, for speed only: an application that wants neither the site's
    commune nor anywhere fails the commune filter anyway."""

    def __init__(self, queryset: QuerySet[Application], today: datetime.date, pair_points: int):
        self.today = today
        self.pair_points = pair_points
        self.anywhere: list[ApplicationData] = []
        self.by_commune: dict[str, list[ApplicationData]] = {}
        # The points an application earns whatever the site: its expectations and waiting.
        self.own: dict[int, int] = {}
        for data in application_data_list(queryset):
            self.own[data.id] = _expectations_line(data).points + _waiting_line(data, today).points
            if data.anywhere:
                self.anywhere.append(data)
            else:
                for commune in data.communes:
                    self.by_commune.setdefault(commune, []).append(data)

    def candidates(self, site: SiteData) -> list[tuple[int, ApplicationData]]:
        """(highest possible score, application) for every application that passes the
        in-memory tests for `site`."""
        pool = self.anywhere + self.by_commune.get(site.commune, [])
        points = transport_points(site)
        own, pair = self.own, self.pair_points
        return [
            (own[a.id] + points[_transport_index(a)] + pair, a)
            for a in applications_fitting(Offer(site, frozenset()), pool)
        ]
