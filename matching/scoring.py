"""The scoring engine: does a site fit an application, and how well? Pure: no queries, no I/O.

Plain data in (`ApplicationData`, `SiteData` with its `UnitData`, from `matching.data`), plain
data out (`Result`). A result is either excluded, listing every hard filter that failed, or a
score from 0 to 100 made of one line per soft criterion. Lines carry a code and parameters
rather than text, so a stored result is explained in whoever reads it later's language
(`explain`).

The brief's rules (section 5):
- Hard filters, each declared once in `matching.filters` with its database and in-memory
  prefilters: space kind, surface (counting the units that can be combined), an overlap of at
  least the minimum duration, activities allowed, housing, open to the public, accessibility
  and the needed features, monthly cost within budget, commune.
- Soft criteria, here, with their weights: closeness to the ideal surface (30), duration fit
  (15), public transport and centrality (15), the owner's expectations (10), the long-term
  wish against the site's horizon (15), time already waited in the pool (15).
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from django.utils.translation import gettext, ngettext

from loket import formatting

from .data import ApplicationData, Line, Result, SiteData
from .filters import Pair, failures, months_between, whole_number

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

# A long-term horizon earns full points from this many years of availability.
LONG_HORIZON_YEARS = 10
# Time in the pool earns full points after this many months.
WAITING_FULL_MONTHS = 12
# Within this distance of the Grand-Place a site counts as central.
CENTRAL_KM = 2.5
CENTRE = (50.8467, 4.3525)
# Words in the site's public-transport text, by the level of service they announce.
HEAVY_TRANSPORT = ("metro", "métro", "premetro", "prémétro", "train", "trein", "gare", "station")
LIGHT_TRANSPORT = ("tram", "bus")


# ---------------------------------------------------------------------------------------------
# Small helpers


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


# ---------------------------------------------------------------------------------------------
# The engine


def score(application: ApplicationData, site: SiteData, *, today: datetime.date) -> Result:
    pair = Pair(application, site, today)
    failed = failures(pair)
    if failed:
        return Result(site.id, application.id, True, 0, tuple(failed), pair.unit_ids, pair.surface)
    low, ideal, high = pair.bounds
    lines = (
        _surface_line(pair.surface, low, ideal, high),
        _duration_line(application, site, pair.overlap),
        _transport_line(application, site),
        _expectations_line(application),
        _horizon_line(application, pair.available_until, pair.overlap_start, pair.required),
        _waiting_line(application, today),
    )
    total = sum(line.points for line in lines)
    return Result(site.id, application.id, False, total, lines, pair.unit_ids, pair.surface)


def _surface_line(surface: Decimal, low: Decimal, ideal: Decimal, high: Decimal) -> Line:
    weight = WEIGHTS["surface"]
    spread = max(ideal - low, high - ideal) or Decimal(1)
    closeness = max(Decimal(0), 1 - abs(surface - ideal) / spread)
    return Line(
        "surface",
        round(weight * float(closeness)),
        weight,
        {"surface": whole_number(surface), "ideal": whole_number(ideal)},
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
    if code == "no_free_units":
        return gettext("No free space: every unit of the site is taken.")
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
        return gettext("Too expensive: about %(cost)s a month, the budget is %(budget)s.") % {
            "cost": formatting.money(p["cost"]),
            "budget": formatting.money(p["budget"]),
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
    return formatting.number(value)


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
