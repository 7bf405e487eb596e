"""Reusable querysets for matching, and the translation of rows into the scoring engine's data.

The hard filters that can be written as indexed conditions run here, in the database; the
survivors are scored in Python by `matching.scoring`. The database filters are a superset of
the engine's: whatever they let through, the engine checks again, so they never decide alone.
"""

import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from loket.accounts.models import User
from loket.reference.models import ActivityType
from projects.enums import ApplicationState, DurationUnit, SpaceKind, Tenure
from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site, Unit

from .enums import ACTIVE_OCCUPATION_STATES
from .models import Match, OccupationUnit
from .scoring import LONG_TERM_MIN_MONTHS, ApplicationData, SiteData, UnitData, add_months

# Applications the desk matches: qualified and searching. Matched ones are already placed.
MATCHABLE_STATES = (ApplicationState.QUALIFIED, ApplicationState.SEARCHING)


# ---------------------------------------------------------------------------------------------
# Rows → engine data


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


# ---------------------------------------------------------------------------------------------
# Hard filters in the database


def candidate_sites(application: Application, *, today: datetime.date) -> QuerySet[Site]:
    """Offered sites that may pass the application's hard filters (a superset)."""
    data = application_data(application)
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
        Q(available_until__isnull=True) | Q(available_until__gte=add_months(start, required))
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
    if data.activities:
        activity_ids = [a.pk for a in application.activity_types.all()]
        for activity_id in activity_ids:
            sites = sites.filter(
                Exists(
                    Site.allowed_activities.through.objects.filter(
                        site_id=OuterRef("pk"), activitytype_id=activity_id
                    )
                )
                | ~Exists(Site.allowed_activities.through.objects.filter(site_id=OuterRef("pk")))
            )
    return sites


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
    return list(user.memberships.values_list("organisation_id", flat=True))


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
