"""The scoring engine: does a site fit an application, and how well? Pure: no ORM, no I/O.

Plain data in (`ApplicationData`, `SiteData` with its `UnitData`), plain data out (`Result`).
A result is either excluded, listing every hard filter that failed, or a score from 0 to 100
made of one line per soft criterion. Lines carry a code and parameters rather than text, so a
stored result is explained in whoever reads it later's language (`explain`).

The brief's rules (section 5):
- Hard filters: surface (counting the units that can be combined), space kind, an overlap of
  at least the minimum duration, activities allowed, open to the public, accessibility and the
  needed features, monthly cost within budget, commune.
- Soft criteria, with their weights: closeness to the ideal surface (30), duration fit (15),
  public transport and centrality (15), the owner's expectations (10), the long-term wish
  against the site's horizon (15), time already waited in the pool (15).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

# Soft criteria and their maximum points; they add up to 100.
WEIGHTS = {
    "surface": 30,
    "duration": 15,
    "transport": 15,
    "expectations": 10,
    "horizon": 15,
    "waiting": 15,
}
assert sum(WEIGHTS.values()) == 100

# Long-term requests need at least this much overlap: a stepping stone of two years.
LONG_TERM_MIN_MONTHS = 24
# A long-term horizon earns full points from this many years of availability.
LONG_HORIZON_YEARS = 10
# Time in the pool earns full points after this many months.
WAITING_FULL_MONTHS = 12
# Within this distance of the Grand-Place a site counts as central.
CENTRAL_KM = 2.5
CENTRE = (50.8467, 4.3525)
# Above this many units, the best combination is found greedily rather than exhaustively.
EXACT_COMBINATION_LIMIT = 12
# Unit kinds that are open land; every other kind is (part of) a building.
LAND_UNIT_KINDS = frozenset({"open_land"})
GROUND_FLOORS = frozenset({"0", "00", "gf", "ground", "rdc", "gelijkvloers", "rez-de-chaussée"})
# Words in the site's public-transport text, by the level of service they announce.
HEAVY_TRANSPORT = ("metro", "métro", "premetro", "prémétro", "train", "trein", "gare", "station")
LIGHT_TRANSPORT = ("tram", "bus")


@dataclass(frozen=True)
class UnitData:
    id: int
    surface: Decimal
    kind: str = "other"
    floor: str = ""
    available_from: datetime.date | None = None
    available_until: datetime.date | None = None


@dataclass(frozen=True)
class SiteData:
    id: int
    commune: str
    kind: str  # building, land or both
    total_surface: Decimal
    units: tuple[UnitData, ...] = ()
    available_from: datetime.date | None = None
    available_until: datetime.date | None = None  # None: open-ended
    min_duration_months: int | None = None
    max_duration_months: int | None = None
    activities: frozenset[str] = frozenset()  # activity codes; empty: none listed yet
    housing_allowed: bool = False
    open_to_public: bool = False
    step_free_access: bool = False
    has_water: bool = False
    has_electricity: bool = False
    has_heating: bool = False
    has_kitchen: bool = False
    has_loading_access: bool = False
    economic_model: str | None = None
    fee: Decimal | None = None
    charges: Decimal | None = None
    monthly_cost: Decimal | None = None  # for the whole site; None when unknown
    public_transport: str = ""
    latitude: float | None = None
    longitude: float | None = None
    future_project_start: datetime.date | None = None


@dataclass(frozen=True)
class ApplicationData:
    id: int
    surface_min: Decimal
    surface_ideal: Decimal
    surface_max: Decimal
    space_kind: str = "either"  # building, land or either
    several_units_ok: bool = True
    activities: frozenset[str] = frozenset()
    housing: bool = False  # overnight stay or people housed
    must_be_open_to_public: bool = False
    needs_step_free: bool = False
    needs_ground_floor: bool = False
    needs_loading: bool = False
    needs_water: bool = False
    needs_power: bool = False
    needs_heating: bool = False
    needs_kitchen: bool = False
    communes: frozenset[str] = frozenset()
    anywhere: bool = False
    wants_central: bool = False
    wants_public_transport: bool = False
    desired_start: datetime.date | None = None
    duration_months: int | None = None
    duration_flexible: bool = False
    long_term: bool = False
    max_monthly_budget: Decimal | None = None
    neighbourhood_value: bool = False
    mixed_programme: bool = False
    commune_contacted: bool = False
    waiting_since: datetime.date | None = None


@dataclass(frozen=True)
class Line:
    """One hard filter that failed, or one soft criterion with its points."""

    code: str
    points: int = 0
    max_points: int = 0
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "points": self.points, "max": self.max_points, **self.params}


@dataclass(frozen=True)
class Result:
    site_id: int
    application_id: int
    excluded: bool
    score: int
    lines: tuple[Line, ...]  # the failures when excluded, else one line per criterion
    unit_ids: tuple[int, ...] = ()  # the units that would hold the request
    surface: Decimal = Decimal(0)  # their surface

    @property
    def failures(self) -> tuple[Line, ...]:
        return self.lines if self.excluded else ()


# ---------------------------------------------------------------------------------------------
# Small helpers


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return datetime.date(year, month, min(day.day, last))


def months_between(start: datetime.date, end: datetime.date) -> float:
    return (end - start).days / 30.4375


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); plenty for a region 20 km across."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def transport_level(text: str) -> int:
    """2 for metro or train, 1 for tram or bus, 0 when nothing is said."""
    lowered = text.lower()
    if any(word in lowered for word in HEAVY_TRANSPORT):
        return 2
    if any(word in lowered for word in LIGHT_TRANSPORT):
        return 1
    return 0


def _unit_is_land(unit: UnitData) -> bool:
    return unit.kind in LAND_UNIT_KINDS


def usable_units(application: ApplicationData, site: SiteData) -> tuple[UnitData, ...]:
    """The units of the right kind: building units for a building request, land for land."""
    if application.space_kind == "building":
        return tuple(u for u in site.units if not _unit_is_land(u))
    if application.space_kind == "land":
        return tuple(u for u in site.units if _unit_is_land(u))
    return site.units


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
        for size in range(1, len(units) + 1):
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
        and site.economic_model
        in (
            "fee_per_m2",
            "charges_only",
        )
    ):
        share = surface / site.total_surface
        return (site.monthly_cost * share).quantize(Decimal("1"))
    return site.monthly_cost


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


# ---------------------------------------------------------------------------------------------
# The engine


def score(application: ApplicationData, site: SiteData, *, today: datetime.date) -> Result:
    failures: list[Line] = []

    # Space kind: a land-only site cannot hold a building request, and the reverse.
    if application.space_kind == "building" and site.kind == "land":
        failures.append(Line("kind_land_only"))
    elif application.space_kind == "land" and site.kind == "building":
        failures.append(Line("kind_building_only"))

    # Surface, counting the units that can be combined.
    low, ideal, high = application.surface_min, application.surface_ideal, application.surface_max
    ideal = min(max(ideal or low, low), high)
    if site.units:
        pool = usable_units(application, site)
    else:  # a site not divided into units is let as a whole
        pool = (UnitData(id=0, surface=site.total_surface),)
    combo = best_combination(
        pool, low=low, ideal=ideal, high=high, several=application.several_units_ok
    )
    usable = (
        sum((u.surface for u in pool), Decimal(0))
        if application.several_units_ok
        else max((u.surface for u in pool), default=Decimal(0))
    )
    if combo is None and not failures:
        if usable < low:
            failures.append(Line("too_small", params={"usable": _n(usable), "min": _n(low)}))
        else:
            smallest = min((u.surface for u in pool), default=Decimal(0))
            failures.append(Line("too_big", params={"smallest": _n(smallest), "max": _n(high)}))
    surface = sum((u.surface for u in combo), Decimal(0)) if combo else Decimal(0)
    unit_ids = tuple(u.id for u in combo if u.id) if combo else ()

    # Dates: an overlap of at least the required months.
    start, end, required = wish_window(application, today)
    avail_from = max(_latest_start(site, combo), today)
    avail_until = _earliest_end(site, combo)
    overlap_end = (
        min(d for d in (end, avail_until) if d is not None) if (end or avail_until) else None
    )
    overlap_start = max(start, avail_from)
    overlap = None if overlap_end is None else months_between(overlap_start, overlap_end)
    if overlap is not None and overlap + 0.5 < required:
        failures.append(
            Line("dates", params={"overlap": max(0, math.floor(overlap)), "required": required})
        )

    # Activities: every use of the request must be allowed; housing needs its own permission.
    if site.activities:
        missing = sorted(application.activities - site.activities)
        if missing:
            failures.append(Line("activity", params={"activities": missing}))
    if application.housing and not site.housing_allowed:
        failures.append(Line("housing"))

    if application.must_be_open_to_public and not site.open_to_public:
        failures.append(Line("not_public"))
    if application.needs_step_free and not site.step_free_access:
        failures.append(Line("not_accessible"))
    missing_features = [
        name
        for name, needed, present in (
            ("water", application.needs_water, site.has_water),
            ("power", application.needs_power, site.has_electricity),
            ("heating", application.needs_heating, site.has_heating),
            ("kitchen", application.needs_kitchen, site.has_kitchen),
            ("loading", application.needs_loading, site.has_loading_access),
            ("ground_floor", application.needs_ground_floor, _has_ground_floor(site, combo)),
        )
        if needed and not present
    ]
    if missing_features:
        failures.append(Line("features", params={"features": missing_features}))

    cost = cost_for(site, surface or site.total_surface)
    if (
        application.max_monthly_budget is not None
        and cost is not None
        and cost > application.max_monthly_budget
    ):
        failures.append(
            Line(
                "too_expensive",
                params={"cost": _n(cost), "budget": _n(application.max_monthly_budget)},
            )
        )

    if not application.anywhere and site.commune not in application.communes:
        failures.append(Line("commune", params={"commune": site.commune}))

    if failures:
        return Result(site.id, application.id, True, 0, tuple(failures), unit_ids, surface)

    lines = (
        _surface_line(surface, low, ideal, high),
        _duration_line(application, site, overlap),
        _transport_line(application, site),
        _expectations_line(application),
        _horizon_line(application, avail_until, overlap_start, required),
        _waiting_line(application, today),
    )
    total = sum(line.points for line in lines)
    return Result(site.id, application.id, False, total, lines, unit_ids, surface)


def _n(value: Decimal) -> int:
    return int(value.to_integral_value())


def _latest_start(site: SiteData, combo) -> datetime.date:
    dates = [site.available_from] + [u.available_from for u in combo or ()]
    return max((d for d in dates if d), default=datetime.date.min)


def _earliest_end(site: SiteData, combo) -> datetime.date | None:
    dates = [site.available_until] + [u.available_until for u in combo or ()]
    return min((d for d in dates if d), default=None)


def _has_ground_floor(site: SiteData, combo) -> bool:
    if site.kind == "land":
        return True
    units = combo or site.units
    return any(u.floor.strip().lower() in GROUND_FLOORS for u in units)


def _surface_line(surface: Decimal, low: Decimal, ideal: Decimal, high: Decimal) -> Line:
    weight = WEIGHTS["surface"]
    spread = max(ideal - low, high - ideal) or Decimal(1)
    closeness = max(Decimal(0), 1 - abs(surface - ideal) / spread)
    return Line(
        "surface",
        round(weight * float(closeness)),
        weight,
        {"surface": _n(surface), "ideal": _n(ideal)},
    )


def _duration_line(application: ApplicationData, site: SiteData, overlap: float | None) -> Line:
    """The wished duration against the owner's minimum and maximum terms."""
    weight = WEIGHTS["duration"]
    wish = application.duration_months
    if application.long_term or not wish:
        return Line("duration_open", weight, weight)
    shortest, longest = site.min_duration_months, site.max_duration_months
    params = {"wish": wish, "limit": "", "months": None}
    fit = 1.0
    if shortest and wish < shortest:
        fit, params["limit"], params["months"] = wish / shortest, "min", shortest
    elif longest and wish > longest:
        fit, params["limit"], params["months"] = longest / wish, "max", longest
    if overlap is not None and overlap < wish and overlap / wish < fit:
        fit, params["limit"], params["months"] = overlap / wish, "dates", math.floor(overlap)
    return Line("duration", round(weight * fit), weight, params)


def _transport_line(application: ApplicationData, site: SiteData) -> Line:
    """Two thirds for the level of public transport, one third for centrality; a request that
    asks for neither gets the points that the site would give anyone."""
    weight = WEIGHTS["transport"]
    level = transport_level(site.public_transport)
    central = None
    if site.latitude is not None and site.longitude is not None:
        central = distance_km(site.latitude, site.longitude, *CENTRE)
    transport_points = {2: 10, 1: 6, 0: 0}[level]
    central_points = 5 if central is not None and central <= CENTRAL_KM else 0
    params = {"level": level, "km": None if central is None else round(central, 1)}
    if not application.wants_public_transport and not application.wants_central:
        return Line("transport_any", transport_points + central_points, weight, params)
    if not application.wants_central:
        central_points = 5 if level else 0  # centrality was not asked for
    return Line("transport", transport_points + central_points, weight, params)


def _expectations_line(application: ApplicationData) -> Line:
    """citydev's four criteria for its own sites: about two years, value for the neighbourhood,
    a mix of uses, the commune involved."""
    weight = WEIGHTS["expectations"]
    met = []
    wish = application.duration_months or 0
    if not application.long_term and 18 <= wish <= 30:
        met.append("two_years")
    if application.neighbourhood_value:
        met.append("neighbourhood")
    if application.mixed_programme:
        met.append("mix")
    if application.commune_contacted:
        met.append("commune")
    return Line("expectations", round(weight * len(met) / 4), weight, {"met": met})


def _horizon_line(
    application: ApplicationData,
    avail_until: datetime.date | None,
    start: datetime.date,
    required: int,
) -> Line:
    weight = WEIGHTS["horizon"]
    if avail_until is None:
        years = None
        fit = 1.0
    else:
        years = max(0.0, months_between(start, avail_until) / 12)
        if application.long_term:
            fit = min(1.0, years / LONG_HORIZON_YEARS)
        else:
            wish = application.duration_months or required
            fit = min(1.0, years * 12 / wish) if wish else 1.0
    code = "horizon_long" if application.long_term else "horizon"
    return Line(
        code, round(weight * fit), weight, {"years": None if years is None else round(years, 1)}
    )


def _waiting_line(application: ApplicationData, today: datetime.date) -> Line:
    weight = WEIGHTS["waiting"]
    if application.waiting_since is None:
        return Line("waiting", 0, weight, {"months": 0})
    months = max(0, math.floor(months_between(application.waiting_since, today)))
    fit = min(1.0, months / WAITING_FULL_MONTHS)
    return Line("waiting", round(weight * fit), weight, {"months": months})


def rank(results, limit: int) -> list[Result]:
    """The best `limit` results that are not excluded: highest score first, then the lower
    site id and the lower application id, so that equal scores keep a stable order."""
    kept = [r for r in results if not r.excluded]
    kept.sort(key=lambda r: (-r.score, r.site_id, r.application_id))
    return kept[:limit]


# ---------------------------------------------------------------------------------------------
# Explanations, in the active language


def explain(line: dict, *, communes: dict | None = None, activities: dict | None = None) -> str:
    """One sentence for a stored line (`Line.as_dict()`), in the active language. `communes`
    and `activities` map codes to names in that language."""
    code = line["code"]
    p = line
    if code == "kind_land_only":
        return gettext("The site is land only; the request is for a building.")
    if code == "kind_building_only":
        return gettext("The site is a building only; the request is for land.")
    if code == "too_small":
        return gettext("Too small: %(usable)s m² usable, at least %(min)s m² asked.") % {
            "usable": _fmt(p["usable"]),
            "min": _fmt(p["min"]),
        }
    if code == "too_big":
        return gettext(
            "Too big: the smallest part is %(smallest)s m², at most %(max)s m² asked."
        ) % {"smallest": _fmt(p["smallest"]), "max": _fmt(p["max"])}
    if code == "dates":
        return ngettext(
            "The dates do not fit: %(overlap)s month of overlap, %(required)s needed.",
            "The dates do not fit: %(overlap)s months of overlap, %(required)s needed.",
            p["overlap"],
        ) % {"overlap": p["overlap"], "required": p["required"]}
    if code == "activity":
        names = ", ".join((activities or {}).get(c, c) for c in p["activities"])
        return gettext("Activity not allowed here: %(names)s.") % {"names": names}
    if code == "housing":
        return gettext("Housing or overnight stays are not allowed here.")
    if code == "not_public":
        return gettext("The request must be open to the public; the site cannot be.")
    if code == "not_accessible":
        return gettext("Step-free access is needed; the site does not have it.")
    if code == "features":
        names = ", ".join(str(feature_names().get(f, f)) for f in p["features"])
        return gettext("Needed but missing: %(names)s.") % {"names": names}
    if code == "too_expensive":
        return gettext("Too expensive: about €%(cost)s a month, the budget is €%(budget)s.") % {
            "cost": _fmt(p["cost"]),
            "budget": _fmt(p["budget"]),
        }
    if code == "commune":
        name = (communes or {}).get(p["commune"], p["commune"])
        return gettext("%(commune)s is not among the communes asked for.") % {"commune": name}
    if code == "surface":
        return gettext("%(surface)s m² for an ideal of %(ideal)s m².") % {
            "surface": _fmt(p["surface"]),
            "ideal": _fmt(p["ideal"]),
        }
    if code == "duration_open":
        return gettext("No fixed duration asked: any term fits.")
    if code == "duration":
        values = {"wish": p["wish"], "months": p.get("months")}
        if p.get("limit") == "min":
            return gettext("%(wish)s months asked; the owner wants at least %(months)s.") % values
        if p.get("limit") == "max":
            return gettext("%(wish)s months asked; the owner offers at most %(months)s.") % values
        if p.get("limit") == "dates":
            return gettext("%(wish)s months asked; the dates leave %(months)s.") % values
        return gettext("The %(wish)s months asked fit the owner's terms and the dates.") % values
    if code in ("transport", "transport_any"):
        level = {
            2: gettext("metro or train nearby"),
            1: gettext("tram or bus only"),
            0: gettext("no public transport given"),
        }[p["level"]]
        if p.get("km") is None:
            return level[:1].upper() + level[1:] + "."
        return gettext("%(level)s; %(km)s km from the centre.") % {
            "level": level[:1].upper() + level[1:],
            "km": _fmt(p["km"]),
        }
    if code == "expectations":
        names = ", ".join(str(expectation_names().get(m, m)) for m in p["met"])
        if not names:
            return gettext("None of the desk's four criteria is met yet.")
        return gettext("Meets the desk's criteria: %(names)s.") % {"names": names}
    if code == "horizon":
        if p.get("years") is None:
            return gettext("Available with no end date.")
        return gettext("Available for %(years)s years from the start.") % {
            "years": _fmt(p["years"])
        }
    if code == "horizon_long":
        if p.get("years") is None:
            return gettext("Long-term wish: the site has no end date.")
        return gettext("Long-term wish: the site is available for %(years)s years.") % {
            "years": _fmt(p["years"])
        }
    if code == "waiting":
        return ngettext(
            "Waiting in the pool for %(months)s month.",
            "Waiting in the pool for %(months)s months.",
            p["months"],
        ) % {"months": p["months"]}
    return code


def _fmt(value) -> str:
    """Numbers as the active language writes them (6.000 / 6 000 / 6,000)."""
    return number_format(value, force_grouping=True)


def feature_names() -> dict:
    return {
        "water": gettext("water"),
        "power": gettext("electricity"),
        "heating": gettext("heating"),
        "kitchen": gettext("kitchen"),
        "loading": gettext("loading access"),
        "ground_floor": gettext("ground floor"),
    }


def expectation_names() -> dict:
    return {
        "two_years": gettext("about two years"),
        "neighbourhood": gettext("value for the neighbourhood"),
        "mix": gettext("a mix of uses"),
        "commune": gettext("the commune involved"),
    }
