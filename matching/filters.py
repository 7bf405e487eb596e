"""The hard filters of the matching (brief, section 5), each declared once.

A `HardFilter` holds every form of one criterion that the matching needs:

- `check(pair)`: the engine's verdict on one application and one site, a failure `Line` or
  None. `scoring.score` runs every check, in the order of `HARD_FILTERS`;
- `sites(wish)`: a condition on `Site` rows, the database prefilter of the sites for one
  application (`selectors.candidate_sites_for`);
- `applications(offer)`: a condition on `Application` rows, the database prefilter of the
  applications for one site (`selectors.candidate_applications_for`);
- `admits(wish)`: a test of a site's engine data, the in-memory prefilter of the sites
  (`market.OfferedSites`);
- `fits(offer)`: a test of an application's engine data, the in-memory prefilter of the
  applications (`market.MatchableApplications`): `applications(offer)` in memory.

Each form may return None: no condition for this application or site. A prefilter may let
through what the check then refuses (the units that will be combined are not known yet, and
the database sees every unit, booked or not), but it must never drop what the check accepts:
`tests/matching/test_filters.py` proves it on random markets (Hypothesis), for the three
prefilters and `fits`. A new criterion is one more declaration here, and its explanation in
`scoring.explain`.

Also here, because the filters and the engine share them: the calendar (`DAYS_PER_MONTH`, the
only place a month's length is written), the wish window, the choice of units and the cost of
a part of a site.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from operator import attrgetter

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.lookups import Exact

from projects.models import Application
from properties.models import Site, Unit

from .data import ApplicationData, Line, SiteData, UnitData

# ---------------------------------------------------------------------------------------------
# Calendar

# The mean month (365.25 / 12 days): every count of months between two dates uses it.
DAYS_PER_MONTH = 30.4375
# An overlap this many months short of the required duration still fits: a wish for 24 months
# is met by an availability from 1 March to the end of February two years on.
OVERLAP_SLACK = 0.5


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return datetime.date(year, month, min(day.day, last))


def months_between(start: datetime.date, end: datetime.date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def shortest_overlap(required: int) -> datetime.timedelta:
    """The fewest whole days of overlap that `check` accepts for `required` months, rounded
    down, so that a bound on dates drawn with it never refuses what the check accepts."""
    return datetime.timedelta(days=math.floor((required - OVERLAP_SLACK) * DAYS_PER_MONTH))


# ---------------------------------------------------------------------------------------------
# What the filters and the engine share

# Long-term requests need at least this much overlap: a stepping stone of two years.
LONG_TERM_MIN_MONTHS = 24
# Above this many units, the best combination is found greedily rather than exhaustively.
EXACT_COMBINATION_LIMIT = 12
GROUND_FLOORS = frozenset({"0", "00", "gf", "ground", "rdc", "gelijkvloers", "rez-de-chaussée"})
# Every floor of GROUND_FLOORS (stripped, in any case) contains one of these: a loose but safe
# test in the database for "has a ground-floor unit".
GROUND_FLOOR_HINT = r"0|gf|ground|rdc|gelijkvloers|chauss"
# Economic models whose price scales with the part of the site taken (`cost_for`).
SCALED_COST_MODELS = frozenset({"fee_per_m2", "charges_only"})
# The site kind that cannot hold a request for a space kind, and the reverse.
CANNOT_HOLD = {"building": "land", "land": "building"}


def wish_window(
    application: ApplicationData, today: datetime.date
) -> tuple[datetime.date, datetime.date | None, int]:
    """(start, end or None for open-ended, months of overlap required)."""
    start = max(application.desired_start or today, today)
    months = application.duration_months
    if application.long_term:
        return start, None, LONG_TERM_MIN_MONTHS
    if not months:
        return start, None, 1
    required = math.ceil(months / 2) if application.duration_flexible else months
    # A flexible start: the wish window runs on for the required months past its end.
    return start, add_months(start, months + (months - required)), required


def overlap_months(
    start: datetime.date,
    end: datetime.date | None,
    available_from: datetime.date,
    available_until: datetime.date | None,
) -> float | None:
    """Months of overlap between the wish window and the availability; None when both are
    open-ended."""
    if end is None and available_until is None:
        return None
    overlap_end = min(d for d in (end, available_until) if d is not None)
    return months_between(max(start, available_from), overlap_end)


def usable_units(application: ApplicationData, site: SiteData) -> tuple[UnitData, ...]:
    """The units of the right kind: building units for a building request, land for land."""
    if application.space_kind == "building":
        return site.building_units
    if application.space_kind == "land":
        return site.land_units
    return site.units


def unit_pool(application: ApplicationData, site: SiteData) -> tuple[UnitData, ...]:
    """The units a request may be given; a site not divided into units is let as a whole."""
    return usable_units(application, site) if site.let_by_units else site.as_one_unit


def best_combination(
    units: tuple[UnitData, ...], *, low: Decimal, ideal: Decimal, high: Decimal, several: bool
) -> tuple[UnitData, ...] | None:
    """The units whose total lies within [low, high] and closest to the ideal (fewest units on
    a tie); None when no combination fits. Exhaustive up to EXACT_COMBINATION_LIMIT units,
    then greedy: largest first while it stays under the upper bound."""
    if not several:
        fitting = [u for u in units if low <= u.surface <= high]
        if not fitting:
            return None
        return (min(fitting, key=lambda u: (abs(u.surface - ideal), u.id)),)
    if len(units) <= EXACT_COMBINATION_LIMIT:
        best, best_key = None, None
        ascending = sorted(u.surface for u in units)
        # The k smallest units together: no k units hold less (surfaces are not negative).
        not_negative = bool(ascending) and ascending[0] >= 0
        least = Decimal(0)
        for size in range(1, len(units) + 1):
            if best_key is not None and not best_key[0]:
                break  # the ideal exactly: more units cannot do better
            least += ascending[size - 1]
            if not_negative and least > high:
                break  # every choice of this many units, or more, is too large
            for combo in combinations(units, size):
                total = sum((u.surface for u in combo), Decimal(0))
                if low <= total <= high:
                    key = (abs(total - ideal), size)
                    if best_key is None or key < best_key:
                        best, best_key = combo, key
        return best
    chosen, total = [], Decimal(0)
    for unit in sorted(units, key=lambda u: (-u.surface, u.id)):
        if total + unit.surface <= high and total < ideal:
            chosen.append(unit)
            total += unit.surface
    return tuple(chosen) if chosen and low <= total <= high else None


def cost_for(site: SiteData, surface: Decimal) -> Decimal | None:
    """Monthly cost for `surface` m² of the site: a fee per m² and the charges scale with the
    part taken; other models are a price for the whole site."""
    if site.monthly_cost is None:
        return None
    if (
        site.total_surface
        and surface < site.total_surface
        and site.economic_model in SCALED_COST_MODELS
    ):
        share = surface / site.total_surface
        return (site.monthly_cost * share).quantize(Decimal("1"))
    return site.monthly_cost


def has_ground_floor(site: SiteData, combo) -> bool:
    """Land is at ground level; a building needs a ground-floor unit among those chosen (or
    among all its units when none are chosen)."""
    if site.kind == "land":
        return True
    units = combo or site.units
    return any(u.floor.strip().lower() in GROUND_FLOORS for u in units)


class Pair:
    """One application against one site: the facts the checks and the soft criteria read,
    worked out once: the units that would hold the request, the wish window, the dates the
    chosen units are available, the overlap and the cost."""

    __slots__ = (
        "application",
        "available_from",
        "available_until",
        "bounds",
        "combo",
        "cost",
        "overlap",
        "overlap_start",
        "pool",
        "required",
        "site",
        "surface",
        "today",
        "unit_ids",
        "window",
    )

    def __init__(self, application: ApplicationData, site: SiteData, today: datetime.date):
        self.application, self.site, self.today = application, site, today
        low, high = application.surface_min, application.surface_max
        ideal = min(max(application.surface_ideal or low, low), high)
        self.bounds = (low, ideal, high)  # the ideal within the range
        self.pool = unit_pool(application, site)
        # The units that would hold the request, or None when no combination fits.
        combo = best_combination(
            self.pool, low=low, ideal=ideal, high=high, several=application.several_units_ok
        )
        self.combo = combo
        self.surface = sum((u.surface for u in combo), Decimal(0)) if combo else Decimal(0)
        self.unit_ids = tuple(u.id for u in combo if u.id) if combo else ()
        self.window = start, end, self.required = wish_window(application, today)
        froms = [site.available_from] + [u.available_from for u in combo or ()]
        untils = [site.available_until] + [u.available_until for u in combo or ()]
        self.available_from = max(max((d for d in froms if d), default=datetime.date.min), today)
        self.available_until = min((d for d in untils if d), default=None)
        self.overlap_start = max(start, self.available_from)
        self.overlap = overlap_months(start, end, self.available_from, self.available_until)
        self.cost = cost_for(site, self.surface or site.total_surface)


@dataclass(frozen=True)
class Wish:
    """One application as the sites' prefilters see it: its engine data, the ids of its
    activities and its wish window from `today`."""

    application: ApplicationData
    activity_ids: frozenset[int]
    today: datetime.date
    window: tuple[datetime.date, datetime.date | None, int]

    @classmethod
    def of(cls, application: ApplicationData, activity_ids, today: datetime.date) -> Wish:
        return cls(application, frozenset(activity_ids), today, wish_window(application, today))


@dataclass(frozen=True)
class Offer:
    """One site as the applications' prefilter sees it: its engine data (free units only)
    and the ids of the activities it allows."""

    site: SiteData
    activity_ids: frozenset[int]


# A condition on rows (a Q, or an expression such as Exists), or None: no condition.
Condition = Q | Exists | None
# A test of a site's engine data, or None: no test.
SiteTest = Callable[[SiteData], bool] | None
# A test of an application's engine data, or None: no test.
ApplicationTest = Callable[[ApplicationData], bool] | None


def _nothing(_subject) -> None:
    return None


@dataclass(frozen=True)
class HardFilter:
    """One hard filter in the four forms the matching needs (see the module's docstring)."""

    name: str
    check: Callable[[Pair], Line | None]
    admits: Callable[[Wish], SiteTest] = _nothing
    sites: Callable[[Wish], Condition] = _nothing
    applications: Callable[[Offer], Condition] = _nothing
    fits: Callable[[Offer], ApplicationTest] = _nothing
    # The in-memory tests run from the lowest: the cheap ones that refuse most sites first.
    admits_order: int = 0


# ---------------------------------------------------------------------------------------------
# The declarations


def _kind_check(pair: Pair) -> Line | None:
    wrong = CANNOT_HOLD.get(pair.application.space_kind)
    if wrong is not None and pair.site.kind == wrong:
        return Line(f"kind_{wrong}_only")
    return None


KIND = HardFilter(
    "kind",
    check=_kind_check,
    admits=lambda w: (
        (lambda site, wrong=wrong: site.kind != wrong)
        if (wrong := CANNOT_HOLD.get(w.application.space_kind))
        else None
    ),
    sites=lambda w: (
        ~Q(kind__code=wrong) if (wrong := CANNOT_HOLD.get(w.application.space_kind)) else None
    ),
    applications=lambda o: (
        ~Q(space_kind=CANNOT_HOLD[o.site.kind]) if o.site.kind in CANNOT_HOLD else None
    ),
    fits=lambda o: (
        (lambda a, wrong=CANNOT_HOLD[o.site.kind]: a.space_kind != wrong)
        if o.site.kind in CANNOT_HOLD
        else None
    ),
    admits_order=2,
)


def whole_number(value: Decimal) -> int:
    """A surface or an amount as the explanations show it, rounded to a whole number."""
    return int(value.to_integral_value())


def _surface_check(pair: Pair) -> Line | None:
    """No combination of the usable units within the range. A site of the wrong kind fails
    on its kind alone."""
    if pair.combo is not None or _kind_check(pair) is not None:
        return None
    if not pair.pool and pair.site.let_by_units and not pair.site.units:
        return Line("no_free_units")  # every unit is promised to an occupation
    low, _ideal, high = pair.bounds
    surfaces = [u.surface for u in pair.pool]
    if pair.application.several_units_ok:
        usable = sum(surfaces, Decimal(0))
    else:
        usable = max(surfaces, default=Decimal(0))
    if usable < low:
        return Line("too_small", params={"usable": whole_number(usable), "min": whole_number(low)})
    smallest = min(surfaces, default=Decimal(0))
    return Line("too_big", params={"smallest": whole_number(smallest), "max": whole_number(high)})


def _surface_admits(w: Wish) -> SiteTest:
    """Some combination could fit: enough in all and something small enough, or one unit
    within the range (`SiteData.pool_surfaces` are those of `unit_pool`)."""
    application = w.application
    low, high = application.surface_min, application.surface_max
    kind = application.space_kind if application.space_kind in CANNOT_HOLD else "either"

    if application.several_units_ok:

        def admits(site: SiteData) -> bool:
            surfaces = site.pool_surfaces[kind]
            return bool(surfaces) and surfaces[0] <= high and site.pool_totals[kind] >= low

    else:

        def admits(site: SiteData) -> bool:
            surfaces = site.pool_surfaces[kind]
            first = bisect.bisect_left(surfaces, low)
            return first < len(surfaces) and surfaces[first] <= high

    return admits


def _surface_sites(w: Wish) -> Condition:
    """In the database every unit counts, booked or not, and the stored total is theirs."""
    low, high = w.application.surface_min, w.application.surface_max
    units = Unit.objects.filter(site=OuterRef("pk"))
    if w.application.several_units_ok:
        enough = Q(total_surface_m2__gte=low)
        some_unit = Exists(units.filter(surface_m2__lte=high))
    else:
        enough = Q()
        some_unit = Exists(units.filter(surface_m2__gte=low, surface_m2__lte=high))
    whole = ~Exists(units) & Q(total_surface_m2__gte=low, total_surface_m2__lte=high)
    return enough & (some_unit | whole)


def _surface_applications(o: Offer) -> Condition:
    site = o.site
    largest = max((u.surface for u in site.units), default=site.total_surface)
    smallest = min((u.surface for u in site.units), default=site.total_surface)
    # The engine reads a missing minimum as 0 m², and a missing or zero maximum as no limit
    # (`market._application_data`).
    small_enough = (
        Q(surface_min__isnull=True)
        | Q(several_units_ok=True, surface_min__lte=site.total_surface)
        | Q(several_units_ok=False, surface_min__lte=largest)
    )
    big_enough = Q(surface_max__isnull=True) | Q(surface_max=0) | Q(surface_max__gte=smallest)
    return small_enough & big_enough


def _surface_fits(o: Offer) -> ApplicationTest:
    """`_surface_applications` on the engine data, where a missing minimum is already 0 and a
    missing or zero maximum already no limit."""
    site = o.site
    largest = max((u.surface for u in site.units), default=site.total_surface)
    smallest = min((u.surface for u in site.units), default=site.total_surface)
    total = site.total_surface
    return lambda a: (
        a.surface_min <= (total if a.several_units_ok else largest) and a.surface_max >= smallest
    )


SURFACE = HardFilter(
    "surface",
    check=_surface_check,
    admits=_surface_admits,
    sites=_surface_sites,
    applications=_surface_applications,
    fits=_surface_fits,
    admits_order=3,
)


def _dates_check(pair: Pair) -> Line | None:
    """An overlap of at least the required months (OVERLAP_SLACK short)."""
    overlap, required = pair.overlap, pair.required
    if overlap is not None and overlap + OVERLAP_SLACK < required:
        return Line("dates", params={"overlap": max(0, math.floor(overlap)), "required": required})
    return None


def _dates_admits(w: Wish) -> SiteTest:
    """Available long enough after the wish starts, and from early enough before it ends:
    `_dates_sites` in memory."""
    start, end, required = w.window
    until_from = start + shortest_overlap(required)
    if end is None:
        return lambda site: site.available_until is None or site.available_until >= until_from
    from_until = end - shortest_overlap(required)
    return lambda site: (
        (site.available_until is None or site.available_until >= until_from)
        and (site.available_from is None or site.available_from <= from_until)
    )


def _dates_sites(w: Wish) -> Condition:
    """Available long enough after the wish starts, and from early enough before it ends."""
    start, end, required = w.window
    shortest = shortest_overlap(required)
    condition = Q(available_until__isnull=True) | Q(available_until__gte=start + shortest)
    if end is not None:
        condition &= Q(available_from__isnull=True) | Q(available_from__lte=end - shortest)
    return condition


DATES = HardFilter(
    "dates",
    check=_dates_check,
    admits=_dates_admits,
    sites=_dates_sites,
    admits_order=1,
    applications=lambda o: (
        Q(desired_start__isnull=True) | Q(desired_start__lte=o.site.available_until)
        if o.site.available_until is not None
        else None
    ),
    fits=lambda o: (
        (
            lambda a, until=o.site.available_until: (
                a.desired_start is None or a.desired_start <= until
            )
        )
        if o.site.available_until is not None
        else None
    ),
)


def _activity_check(pair: Pair) -> Line | None:
    """Every use of the request is allowed, where the site lists its allowed uses."""
    if pair.site.activities:
        missing = sorted(pair.application.activities - pair.site.activities)
        if missing:
            return Line("activity", params={"activities": missing})
    return None


def _activity_sites(w: Wish) -> Condition:
    """None of the application's activities missing from a site that lists some: one count
    of the listed ones among them, rather than one subquery per activity."""
    wanted = sorted(w.activity_ids)
    if not (w.application.activities and wanted):
        return None
    listed = Site.allowed_activities.through.objects.filter(site_id=OuterRef("pk"))
    matched = (
        listed.filter(activitytype_id__in=wanted)
        .order_by()
        .values("site_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Q(~Exists(listed)) | Q(Exact(Subquery(matched), len(wanted)))


def _activity_applications(o: Offer) -> Condition:
    if not o.site.activities:
        return None
    refused = Application.activity_types.through.objects.filter(
        application_id=OuterRef("pk")
    ).exclude(activitytype_id__in=sorted(o.activity_ids))
    return ~Exists(refused)


ACTIVITY = HardFilter(
    "activity",
    check=_activity_check,
    admits=lambda w: (
        (
            lambda site, wanted=w.application.activities: (
                not site.activities or wanted <= site.activities
            )
        )
        if w.application.activities
        else None
    ),
    sites=_activity_sites,
    admits_order=1,
    applications=_activity_applications,
    # By code (the check's test), where the database compares ids.
    fits=lambda o: (
        (lambda a, allowed=o.site.activities: a.activities <= allowed)
        if o.site.activities
        else None
    ),
)


@dataclass(frozen=True)
class Need:
    """Something an application may need and a site has or lacks: an attribute of the engine
    data on each side, which is also the column of `Application` and of `Site`."""

    name: str  # in the failure line
    needs: str  # ApplicationData / Application
    has: str  # SiteData / Site


def requirement(code: str, needs: str, has: str, *, lacking: Q | None = None) -> HardFilter:
    """The filter of one need, failing with the line `code`. `lacking` selects the
    applications that do not need it, when that is not `needs` = False."""
    return HardFilter(
        code,
        check=lambda p: (
            Line(code) if getattr(p.application, needs) and not getattr(p.site, has) else None
        ),
        admits=lambda w: attrgetter(has) if getattr(w.application, needs) else None,
        sites=lambda w: Q(**{has: True}) if getattr(w.application, needs) else None,
        applications=lambda o: (
            (lacking or Q(**{needs: False})) if not getattr(o.site, has) else None
        ),
        # `lacking` in the engine data is `needs` False (housing: neither overnight nor people).
        fits=lambda o: (lambda a: not getattr(a, needs)) if not getattr(o.site, has) else None,
    )


HOUSING = requirement(
    "housing",
    "housing",
    "housing_allowed",
    lacking=Q(overnight_stay=False) & (Q(housing_people__isnull=True) | Q(housing_people=0)),
)
PUBLIC = requirement("not_public", "must_be_open_to_public", "open_to_public")
ACCESSIBLE = requirement("not_accessible", "needs_step_free", "step_free_access")

# The features a request may need, in the order the failure line names them; the ground floor
# comes last and depends on the units chosen.
FEATURES = (
    Need("water", "needs_water", "has_water"),
    Need("power", "needs_power", "has_electricity"),
    Need("heating", "needs_heating", "has_heating"),
    Need("kitchen", "needs_kitchen", "has_kitchen"),
    Need("loading", "needs_loading", "has_loading_access"),
)


def _features_check(pair: Pair) -> Line | None:
    a, site = pair.application, pair.site
    missing = [f.name for f in FEATURES if getattr(a, f.needs) and not getattr(site, f.has)]
    if a.needs_ground_floor and not has_ground_floor(site, pair.combo):
        missing.append("ground_floor")
    return Line("features", params={"features": missing}) if missing else None


def _features_admits(w: Wish) -> SiteTest:
    """The features on the site; a ground floor among all its units (some will be chosen)."""
    needed = [attrgetter(f.has) for f in FEATURES if getattr(w.application, f.needs)]
    if w.application.needs_ground_floor:
        needed.append(lambda site: has_ground_floor(site, ()))
    if not needed:
        return None
    return lambda site: all(test(site) for test in needed)


def _features_sites(w: Wish) -> Condition:
    condition = Q(**{f.has: True for f in FEATURES if getattr(w.application, f.needs)})
    if w.application.needs_ground_floor:
        ground = Unit.objects.filter(site=OuterRef("pk"), floor__iregex=GROUND_FLOOR_HINT)
        condition &= Q(kind__code="land") | Exists(ground)
    return condition or None


FEATURES_FILTER = HardFilter(
    "features",
    check=_features_check,
    admits=_features_admits,
    sites=_features_sites,
    admits_order=1,
    applications=lambda o: (
        Q(**{f.needs: False for f in FEATURES if not getattr(o.site, f.has)}) or None
    ),
    fits=lambda o: (
        (lambda a, needs=lacking: not any(getattr(a, n) for n in needs))
        if (lacking := [f.needs for f in FEATURES if not getattr(o.site, f.has)])
        else None
    ),
)


def _budget_check(pair: Pair) -> Line | None:
    budget, cost = pair.application.max_monthly_budget, pair.cost
    if budget is not None and cost is not None and cost > budget:
        return Line(
            "too_expensive", params={"cost": whole_number(cost), "budget": whole_number(budget)}
        )
    return None


def _budget_admits(w: Wish) -> SiteTest:
    """A price for the whole site cannot come down; a scaled one is left to the check."""
    budget = w.application.max_monthly_budget
    if budget is None:
        return None
    return lambda site: (
        site.monthly_cost is None
        or site.monthly_cost <= budget
        or site.economic_model in SCALED_COST_MODELS
    )


def _budget_sites(w: Wish) -> Condition:
    budget = w.application.max_monthly_budget
    if budget is None:
        return None
    return (
        Q(estimated_monthly_cost__isnull=True)
        | Q(estimated_monthly_cost__lte=budget)
        | Q(economic_model__code__in=sorted(SCALED_COST_MODELS))
    )


def _budget_applications(o: Offer) -> Condition:
    site = o.site
    if site.monthly_cost is None or site.economic_model in SCALED_COST_MODELS:
        return None
    return Q(max_monthly_budget__isnull=True) | Q(max_monthly_budget__gte=site.monthly_cost)


def _budget_fits(o: Offer) -> ApplicationTest:
    site = o.site
    if site.monthly_cost is None or site.economic_model in SCALED_COST_MODELS:
        return None
    cost = site.monthly_cost
    return lambda a: a.max_monthly_budget is None or a.max_monthly_budget >= cost


BUDGET = HardFilter(
    "budget",
    check=_budget_check,
    admits=_budget_admits,
    sites=_budget_sites,
    applications=_budget_applications,
    fits=_budget_fits,
    admits_order=3,
)


def _commune_check(pair: Pair) -> Line | None:
    if not pair.application.anywhere and pair.site.commune not in pair.application.communes:
        return Line("commune", params={"commune": pair.site.commune})
    return None


COMMUNE = HardFilter(
    "commune",
    check=_commune_check,
    admits=lambda w: (
        None
        if w.application.anywhere
        else (lambda site, communes=w.application.communes: site.commune in communes)
    ),
    sites=lambda w: None if w.application.anywhere else Q(commune_id__in=w.application.communes),
    applications=lambda o: Q(anywhere=True) | Q(communes=o.site.commune),
    fits=lambda o: lambda a, commune=o.site.commune: a.anywhere or commune in a.communes,
    admits_order=4,  # the commune index has chosen the sites already
)

# In the order an excluded result lists its failures.
HARD_FILTERS = (
    KIND,
    SURFACE,
    DATES,
    ACTIVITY,
    HOUSING,
    PUBLIC,
    ACCESSIBLE,
    FEATURES_FILTER,
    BUDGET,
    COMMUNE,
)
_BY_ADMITS_ORDER = sorted(HARD_FILTERS, key=lambda f: f.admits_order)


# ---------------------------------------------------------------------------------------------
# The forms the rest of the matching uses


def failures(pair: Pair) -> list[Line]:
    """Every hard filter that the pair fails: the engine's hard side."""
    return [line for f in HARD_FILTERS if (line := f.check(pair)) is not None]


def site_conditions(wish: Wish) -> list:
    """The conditions on `Site` rows of every hard filter, for one application."""
    return [c for f in HARD_FILTERS if (c := f.sites(wish)) is not None]


def application_conditions(offer: Offer) -> list:
    """The conditions on `Application` rows of every hard filter, for one site."""
    return [c for f in HARD_FILTERS if (c := f.applications(offer)) is not None]


def applications_fitting(offer: Offer, applications: Iterable) -> list:
    """The applications (`ApplicationData`) that pass the in-memory test of every hard filter,
    for one site: `application_conditions` in memory."""
    kept = list(applications)
    for f in HARD_FILTERS:
        test = f.fits(offer)
        if test is not None:
            kept = list(filter(test, kept))
    return kept


def sites_admitted(wish: Wish, sites: Iterable[SiteData]) -> list[SiteData]:
    """The sites that pass the in-memory test of every hard filter, for one application."""
    kept = list(sites)
    for f in _BY_ADMITS_ORDER:
        test = f.admits(wish)
        if test is not None:
            kept = list(filter(test, kept))
    return kept
