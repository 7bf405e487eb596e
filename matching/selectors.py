"""Reusable querysets for matching, and the translation of rows into the scoring engine's data.

The hard filters that can be written as indexed conditions run here, in the database; the
survivors are scored in Python by `matching.scoring`. The database filters are a superset of
the engine's: whatever they let through, the engine checks again, so they never decide alone.
"""

import bisect
import datetime
import math
import re
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact
from django.utils import timezone

from loket.accounts.models import User
from loket.organisations.selectors import current_organisation_ids
from loket.reference.models import ActivityType
from projects.enums import ApplicationState, DurationUnit, SpaceKind, Tenure
from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site, Unit

from .enums import ACTIVE_OCCUPATION_STATES
from .models import Match, OccupationUnit
from .scoring import (
    LONG_TERM_MIN_MONTHS,
    ApplicationData,
    SiteData,
    UnitData,
    _transport_line,
    wish_window,
)

# Applications the desk matches: qualified and searching. Matched ones are already placed.
MATCHABLE_STATES = (ApplicationState.QUALIFIED, ApplicationState.SEARCHING)


# ---------------------------------------------------------------------------------------------
# Rows → engine data


def earliest_end(start: datetime.date, required: int) -> datetime.date:
    """The earliest end of availability that can still give `required` months from `start`:
    the engine accepts an overlap half a month short (`scoring.score`), so this bound is
    rounded down with it and the filter stays a superset of the engine's."""
    return start + datetime.timedelta(days=math.floor((required - 0.5) * 30.4375))


def booked_units_exists(today: datetime.date):
    """True for a unit promised to an active occupation that has not ended by `today`."""
    return Exists(
        OccupationUnit.objects.filter(
            unit=OuterRef("pk"),
            occupation__state__in=ACTIVE_OCCUPATION_STATES,
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


def sites_for_scoring(queryset: QuerySet[Site], today: datetime.date) -> QuerySet[Site]:
    """Everything `site_data` reads, in three queries whatever the number of sites."""
    units = Unit.objects.select_related("kind").annotate(booked=booked_units_exists(today))
    return queryset.select_related("kind", "economic_model").prefetch_related(
        Prefetch("units", queryset=units),
        Prefetch("allowed_activities", queryset=ActivityType.objects.only("pk", "code")),
    )


def site_data(site: Site) -> SiteData:
    """A site with its free units (those not promised to an occupation) as engine data."""
    units = tuple(
        UnitData(
            id=u.pk,
            surface=u.surface_m2,
            kind=u.kind.code,
            floor=u.floor,
            available_from=u.available_from,
            available_until=u.available_until,
        )
        for u in site.units.all()
        if not getattr(u, "booked", False)
    )
    all_units = site.units.all()
    total = sum((u.surface for u in units), Decimal(0)) if all_units else site.total_surface_m2 or 0
    return SiteData(
        id=site.pk,
        commune=site.commune_id or "",
        kind=site.kind.code if site.kind_id else "building",
        total_surface=Decimal(total),
        units=units if all_units else (),
        available_from=site.available_from,
        available_until=site.available_until,
        min_duration_months=site.min_duration_months,
        max_duration_months=site.max_duration_months,
        activities=frozenset(a.code for a in site.allowed_activities.all()),
        housing_allowed=site.housing_allowed,
        open_to_public=site.open_to_public,
        step_free_access=site.step_free_access,
        has_water=site.has_water,
        has_electricity=site.has_electricity,
        has_heating=site.has_heating,
        has_kitchen=site.has_kitchen,
        has_loading_access=site.has_loading_access,
        economic_model=site.economic_model.code if site.economic_model_id else None,
        fee=site.fee_amount,
        charges=site.charges_monthly,
        monthly_cost=site.estimated_monthly_cost,
        public_transport=site.public_transport,
        latitude=float(site.latitude) if site.latitude is not None else None,
        longitude=float(site.longitude) if site.longitude is not None else None,
        future_project_start=site.future_project_start,
    )


def _among(ids: list[int]):
    """The right-hand side of `field__in` for a long list of ids: one array parameter on
    PostgreSQL (thousands of placeholders cost more to build than the query takes)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return ids


# The Site columns `site_data` reads, for the loaders below that skip model instances.
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


def site_data_list(queryset: QuerySet[Site], today: datetime.date) -> list[SiteData]:
    """`site_data` for every site of `queryset`, in three queries and without model instances:
    the same engine data as `sites_for_scoring` then `site_data`, at a fraction of the cost."""
    rows = list(queryset.values(*_SITE_FIELDS))
    if not rows:
        return []
    ids = [row["pk"] for row in rows]
    units: dict[int, list[UnitData]] = {pk: [] for pk in ids}
    any_units: set[int] = set()
    unit_rows = (
        Unit.objects.filter(site_id__in=_among(ids))
        .annotate(booked=booked_units_exists(today))
        .order_by("position", "pk")  # Unit's own ordering, as the prefetch uses
        .values_list(
            "pk",
            "site_id",
            "surface_m2",
            "kind__code",
            "floor",
            "available_from",
            "available_until",
            "booked",
        )
    )
    for pk, site_id, surface, kind, floor, start, end, booked in unit_rows:
        any_units.add(site_id)
        if not booked:
            units[site_id].append(
                UnitData(
                    id=pk,
                    surface=surface,
                    kind=kind,
                    floor=floor,
                    available_from=start,
                    available_until=end,
                )
            )
    activities: dict[int, set[str]] = {}
    links = Site.allowed_activities.through.objects.filter(site_id__in=_among(ids)).values_list(
        "site_id", "activitytype__code"
    )
    for site_id, code in links:
        activities.setdefault(site_id, set()).add(code)
    return [_site_data_from_row(row, units, any_units, activities) for row in rows]


def _site_data_from_row(row, units, any_units, activities) -> SiteData:
    """`site_data` for one `_SITE_FIELDS` row; keep the two in step."""
    pk = row["pk"]
    free = tuple(units[pk])
    has_units = pk in any_units
    if has_units:
        total = sum((u.surface for u in free), Decimal(0))
    else:
        total = row["total_surface_m2"] or 0
    return SiteData(
        id=pk,
        commune=row["commune_id"] or "",
        kind=row["kind__code"] if row["kind_id"] else "building",
        total_surface=Decimal(total),
        units=free if has_units else (),
        available_from=row["available_from"],
        available_until=row["available_until"],
        min_duration_months=row["min_duration_months"],
        max_duration_months=row["max_duration_months"],
        activities=frozenset(activities.get(pk, ())),
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


def applications_for_scoring(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.prefetch_related(
        Prefetch("activity_types", queryset=ActivityType.objects.only("pk", "code")),
        "communes",
    )


def duration_months(application: Application) -> int | None:
    if not application.duration_value:
        return None
    factor = 12 if application.duration_unit == DurationUnit.YEARS else 1
    return application.duration_value * factor


def application_data(application: Application) -> ApplicationData:
    surface_min = application.surface_min or Decimal(0)
    surface_max = application.surface_max or Decimal("1e9")
    programme = application.programme or []
    return ApplicationData(
        id=application.pk,
        surface_min=surface_min,
        surface_ideal=application.surface_ideal or surface_min,
        surface_max=surface_max,
        space_kind=application.space_kind or SpaceKind.EITHER,
        several_units_ok=application.several_units_ok,
        activities=frozenset(a.code for a in application.activity_types.all()),
        housing=bool(application.overnight_stay or application.housing_people),
        must_be_open_to_public=application.must_be_open_to_public,
        needs_step_free=application.needs_step_free,
        needs_ground_floor=application.needs_ground_floor,
        needs_loading=application.needs_loading,
        needs_water=application.needs_water,
        needs_power=application.needs_power,
        needs_heating=application.needs_heating,
        needs_kitchen=application.needs_kitchen,
        communes=frozenset(c.pk for c in application.communes.all()),
        anywhere=application.anywhere,
        wants_central=application.wants_central,
        wants_public_transport=application.wants_public_transport,
        desired_start=application.desired_start,
        duration_months=duration_months(application),
        duration_flexible=application.duration_flexible,
        long_term=application.tenure == Tenure.LONG_TERM,
        max_monthly_budget=application.max_monthly_budget,
        neighbourhood_value=bool(application.neighbourhood_value.strip()),
        mixed_programme=len(programme) >= 2 or application.activity_types.all().count() >= 2,
        commune_contacted=application.commune_contacted,
        waiting_since=(
            timezone.localdate(application.submitted_at) if application.submitted_at else None
        ),
    )


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


def application_data_list(queryset: QuerySet[Application]) -> list[ApplicationData]:
    """`application_data` for every application of `queryset`, in three queries and without
    model instances (the same engine data as `applications_for_scoring` then
    `application_data`)."""
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
        _application_data_from_row(row, activities.get(row["pk"], ()), communes.get(row["pk"], ()))
        for row in rows
    ]


def _application_data_from_row(row, activities, communes) -> ApplicationData:
    """`application_data` for one `_APPLICATION_FIELDS` row; keep the two in step."""
    surface_min = row["surface_min"] or Decimal(0)
    surface_max = row["surface_max"] or Decimal("1e9")
    programme = row["programme"] or []
    months = None
    if row["duration_value"]:
        factor = 12 if row["duration_unit"] == DurationUnit.YEARS else 1
        months = row["duration_value"] * factor
    return ApplicationData(
        id=row["pk"],
        surface_min=surface_min,
        surface_ideal=row["surface_ideal"] or surface_min,
        surface_max=surface_max,
        space_kind=row["space_kind"] or SpaceKind.EITHER,
        several_units_ok=row["several_units_ok"],
        activities=frozenset(activities),
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
        duration_months=months,
        duration_flexible=row["duration_flexible"],
        long_term=row["tenure"] == Tenure.LONG_TERM,
        max_monthly_budget=row["max_monthly_budget"],
        neighbourhood_value=bool(row["neighbourhood_value"].strip()),
        mixed_programme=len(programme) >= 2 or len(activities) >= 2,
        commune_contacted=row["commune_contacted"],
        waiting_since=(timezone.localdate(row["submitted_at"]) if row["submitted_at"] else None),
    )


# ---------------------------------------------------------------------------------------------
# Hard filters in the database


# Economic models whose cost the engine scales with the part taken (`scoring.cost_for`).
SCALED_COST_MODELS = ("fee_per_m2", "charges_only")
# Every floor `scoring.GROUND_FLOORS` accepts (stripped, any case) contains one of these, so
# this is a loose but safe test for "has a ground-floor unit".
GROUND_FLOOR_HINT = r"0|gf|ground|rdc|gelijkvloers|chauss"


def candidate_sites(application: Application, *, today: datetime.date) -> QuerySet[Site]:
    """Offered sites that may pass the application's hard filters (a superset)."""
    return candidate_sites_for(
        application_data(application),
        [a.pk for a in application.activity_types.all()],
        today=today,
    )


def candidate_sites_for(
    data: ApplicationData, activity_ids: list[int], *, today: datetime.date
) -> QuerySet[Site]:
    """`candidate_sites` from the engine's data and the ids of the application's activities."""
    sites = Site.objects.filter(state__in=OFFERED_STATES)
    if not data.anywhere:
        sites = sites.filter(commune_id__in=data.communes)
    if data.space_kind == SpaceKind.BUILDING:
        sites = sites.exclude(kind__code="land")
    elif data.space_kind == SpaceKind.LAND:
        sites = sites.exclude(kind__code="building")
    # Surface: enough in all (or in one unit), and something small enough to take.
    if data.several_units_ok:
        sites = sites.filter(total_surface_m2__gte=data.surface_min)
        small_enough = Unit.objects.filter(site=OuterRef("pk"), surface_m2__lte=data.surface_max)
    else:
        small_enough = Unit.objects.filter(
            site=OuterRef("pk"),
            surface_m2__gte=data.surface_min,
            surface_m2__lte=data.surface_max,
        )
    no_units = ~Exists(Unit.objects.filter(site=OuterRef("pk")))
    sites = sites.filter(
        Exists(small_enough)
        | (
            no_units
            & Q(total_surface_m2__gte=data.surface_min, total_surface_m2__lte=data.surface_max)
        )
    )
    # Dates: the availability must still run the required months after the wished start.
    start = max(data.desired_start or today, today)
    required = LONG_TERM_MIN_MONTHS if data.long_term else (data.duration_months or 1)
    if data.duration_flexible and not data.long_term:
        required = max(1, required // 2)
    sites = sites.filter(
        Q(available_until__isnull=True) | Q(available_until__gte=earliest_end(start, required))
    )
    # ... and start early enough: the overlap ends by the wish window's end at the latest, and
    # the engine accepts half a month short (`scoring.score`), hence the rounding down.
    _, wish_end, wish_required = wish_window(data, today)
    if wish_end is not None:
        latest = wish_end - datetime.timedelta(days=math.floor((wish_required - 0.5) * 30.4375))
        sites = sites.filter(Q(available_from__isnull=True) | Q(available_from__lte=latest))
    # Budget: a price for the whole site cannot come down; a scaled one is left to the engine.
    if data.max_monthly_budget is not None:
        sites = sites.filter(
            Q(estimated_monthly_cost__isnull=True)
            | Q(estimated_monthly_cost__lte=data.max_monthly_budget)
            | Q(economic_model__code__in=SCALED_COST_MODELS)
        )
    if data.needs_ground_floor:
        sites = sites.filter(
            Q(kind__code="land")
            | Exists(Unit.objects.filter(site=OuterRef("pk"), floor__iregex=GROUND_FLOOR_HINT))
        )
    if data.must_be_open_to_public:
        sites = sites.filter(open_to_public=True)
    if data.needs_step_free:
        sites = sites.filter(step_free_access=True)
    for needed, field in (
        (data.needs_water, "has_water"),
        (data.needs_power, "has_electricity"),
        (data.needs_heating, "has_heating"),
        (data.needs_kitchen, "has_kitchen"),
        (data.needs_loading, "has_loading_access"),
    ):
        if needed:
            sites = sites.filter(**{field: True})
    if data.housing:
        sites = sites.filter(housing_allowed=True)
    # Activities: none of the application's may be missing from a site that lists them.
    # (One count of the listed ones among them rather than one subquery per activity.)
    wanted = sorted(set(activity_ids))
    if data.activities and wanted:
        listed = Site.allowed_activities.through.objects.filter(site_id=OuterRef("pk"))
        matched = (
            listed.filter(activitytype_id__in=wanted)
            .order_by()
            .values("site_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        sites = sites.filter(Q(~Exists(listed)) | Q(Exact(Subquery(matched), len(wanted))))
    return sites.order_by()  # the engine ranks; an ORDER BY would only cost


def candidate_applications(site: Site, *, today: datetime.date) -> QuerySet[Application]:
    """Matchable applications that may pass the site's hard filters (a superset)."""
    data = site_data(site)
    applications = Application.objects.filter(state__in=MATCHABLE_STATES)
    applications = applications.filter(Q(anywhere=True) | Q(communes=data.commune))
    if data.kind == "land":
        applications = applications.exclude(space_kind=SpaceKind.BUILDING)
    elif data.kind == "building":
        applications = applications.exclude(space_kind=SpaceKind.LAND)
    largest = max((u.surface for u in data.units), default=data.total_surface)
    smallest = min((u.surface for u in data.units), default=data.total_surface)
    applications = applications.filter(
        Q(several_units_ok=True, surface_min__lte=data.total_surface)
        | Q(several_units_ok=False, surface_min__lte=largest)
    ).filter(surface_max__gte=smallest)
    if data.available_until is not None:
        applications = applications.filter(
            Q(desired_start__isnull=True) | Q(desired_start__lte=data.available_until)
        )
    if not data.open_to_public:
        applications = applications.filter(must_be_open_to_public=False)
    if not data.step_free_access:
        applications = applications.filter(needs_step_free=False)
    for present, field in (
        (data.has_water, "needs_water"),
        (data.has_electricity, "needs_power"),
        (data.has_heating, "needs_heating"),
        (data.has_kitchen, "needs_kitchen"),
        (data.has_loading_access, "needs_loading"),
    ):
        if not present:
            applications = applications.filter(**{field: False})
    if not data.housing_allowed:
        applications = applications.filter(overnight_stay=False).filter(
            Q(housing_people__isnull=True) | Q(housing_people=0)
        )
    if data.activities:
        allowed = [a.pk for a in site.allowed_activities.all()]
        applications = applications.exclude(
            Exists(
                Application.activity_types.through.objects.filter(
                    application_id=OuterRef("pk")
                ).exclude(activitytype_id__in=allowed)
            )
        )
    return applications.distinct()


# ---------------------------------------------------------------------------------------------
# Who sees which match


def _member_org_ids(user: User) -> list[int]:
    return sorted(current_organisation_ids(user))


def matches_for_owner(user: User) -> QuerySet[Match]:
    """The matches that were proposed on the user's organisations' sites."""
    return Match.objects.filter(
        site__owner_id__in=_member_org_ids(user), proposed_to_owner_at__isnull=False
    )


def matches_for_holder(user: User) -> QuerySet[Match]:
    """The matches that were proposed to the user's organisations' applications."""
    return Match.objects.filter(
        application__organisation_id__in=_member_org_ids(user),
        proposed_to_holder_at__isnull=False,
    )


# ---------------------------------------------------------------------------------------------
# The same hard filters in memory, for the full recompute


class OfferedSites:
    """Every offered site loaded once, as engine data and as the columns `candidate_sites_for`
    filters on, so the full recompute ranks each application without a query of its own.

    `candidates(data, activity_ids)` keeps exactly the sites `candidate_sites_for` returns where
    it matters: its conditions that the engine's do not imply (the end date against
    `earliest_end`, the stored total surface, every unit including booked ones) are copied
    condition for condition; the others only save the engine work. Each site comes with the
    points `scoring._transport_line` gives it, an exact part of an upper bound on its score."""

    def __init__(self, today: datetime.date):
        self.today = today
        offered = Site.objects.filter(state__in=OFFERED_STATES).order_by()
        data = {s.id: s for s in site_data_list(offered, today)}
        surfaces: dict[int, list[Decimal]] = {}
        ground: set[int] = set()
        hint = re.compile(GROUND_FLOOR_HINT, re.IGNORECASE)
        for site_id, surface, floor in Unit.objects.filter(site__in=offered).values_list(
            "site_id", "surface_m2", "floor"
        ):
            surfaces.setdefault(site_id, []).append(surface)
            if hint.search(floor):
                ground.add(site_id)
        activity_ids: dict[int, set[int]] = {}
        for site_id, activity_id in Site.allowed_activities.through.objects.filter(
            site__in=offered
        ).values_list("site_id", "activitytype_id"):
            activity_ids.setdefault(site_id, set()).add(activity_id)
        wishes = [
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
        buckets: dict[str | None, list[tuple]] = {}
        for row in offered.values(
            "pk",
            "commune_id",
            "kind__code",
            "total_surface_m2",
            "available_from",
            "available_until",
            "estimated_monthly_cost",
            "economic_model__code",
        ):
            pk = row["pk"]
            units = tuple(surfaces.get(pk, ()))
            total = row["total_surface_m2"]
            site = data[pk]
            facts = (
                max((total, *units)),  # below the application's minimum: cannot fit
                min(units) if units else total,  # above its maximum: cannot fit
                row["kind__code"],
                total,
                units,
                min(units, default=None),
                max(units, default=None),
                row["available_from"],
                row["available_until"],
                row["estimated_monthly_cost"],
                row["economic_model__code"] in SCALED_COST_MODELS,
                pk in ground,
                frozenset(activity_ids.get(pk, ())),
                tuple(_transport_line(wish, site).points for wish in wishes),
                site,
            )
            buckets.setdefault(row["commune_id"], []).append(facts)
        # Per commune (and for the whole Region), the sites sorted both ways, to cut by bisection.
        everywhere = [f for facts in buckets.values() for f in facts]
        self.by_commune = {code: _SortedSites(facts) for code, facts in buckets.items()}
        self.everywhere = _SortedSites(everywhere)

    def candidates(self, data: ApplicationData, activity_ids) -> list[tuple[int, SiteData]]:
        """(transport points, site) for every site `candidate_sites_for` would return."""
        today = self.today
        low, high, several = data.surface_min, data.surface_max, data.several_units_ok
        if data.anywhere:
            groups = [self.everywhere]
        else:
            groups = [self.by_commune[c] for c in sorted(data.communes) if c in self.by_commune]
        pool = [f for group in groups for f in group.between(low, high)]
        excluded_kind = {SpaceKind.BUILDING: "land", SpaceKind.LAND: "building"}.get(
            data.space_kind
        )
        start = max(data.desired_start or today, today)
        required = LONG_TERM_MIN_MONTHS if data.long_term else (data.duration_months or 1)
        if data.duration_flexible and not data.long_term:
            required = max(1, required // 2)
        until_from = earliest_end(start, required)
        _, wish_end, wish_required = wish_window(data, today)
        latest = (
            wish_end - datetime.timedelta(days=math.floor((wish_required - 0.5) * 30.4375))
            if wish_end is not None
            else None
        )
        budget = data.max_monthly_budget
        wanted = frozenset(activity_ids) if data.activities else frozenset()
        transport = 2 * data.wants_public_transport + data.wants_central
        kept = []
        for (
            _largest,
            _smallest,
            kind,
            total,
            units,
            unit_min,
            unit_max,
            available_from,
            available_until,
            cost,
            scaled,
            ground,
            site_activities,
            transport_points,
            site,
        ) in pool:
            if kind is not None and kind == excluded_kind:
                continue
            if units:
                if several:
                    if total < low or unit_min > high:
                        continue
                elif not (
                    low <= unit_min <= high
                    or low <= unit_max <= high
                    or (len(units) > 2 and any(low <= s <= high for s in units))
                ):
                    continue
            elif not (low <= total <= high):
                continue
            if available_until is not None and available_until < until_from:
                continue
            if latest is not None and available_from is not None and available_from > latest:
                continue
            if budget is not None and cost is not None and cost > budget and not scaled:
                continue
            if data.needs_ground_floor and kind != "land" and not ground:
                continue
            if (
                (data.must_be_open_to_public and not site.open_to_public)
                or (data.needs_step_free and not site.step_free_access)
                or (data.needs_water and not site.has_water)
                or (data.needs_power and not site.has_electricity)
                or (data.needs_heating and not site.has_heating)
                or (data.needs_kitchen and not site.has_kitchen)
                or (data.needs_loading and not site.has_loading_access)
                or (data.housing and not site.housing_allowed)
            ):
                continue
            if wanted and site_activities and not wanted <= site_activities:
                continue
            kept.append((transport_points[transport], site))
        return kept


class _SortedSites:
    """Sites' facts sorted by their largest surface and by their smallest, so that the ones
    that cannot fit a [low, high] request are cut off by bisection."""

    def __init__(self, facts: list[tuple]):
        self.by_largest = sorted(facts, key=lambda f: f[0])
        self.largest = [f[0] for f in self.by_largest]
        self.by_smallest = sorted(facts, key=lambda f: f[1])
        self.smallest = [f[1] for f in self.by_smallest]

    def between(self, low: Decimal, high: Decimal) -> list[tuple]:
        big_enough = self.by_largest[bisect.bisect_left(self.largest, low) :]
        small_enough = self.by_smallest[: bisect.bisect_right(self.smallest, high)]
        return big_enough if len(big_enough) <= len(small_enough) else small_enough
