"""Sharing a large site between several applications. Pure: no ORM.

The method, chosen to be explained in one sentence to a caseworker: take the applications in
the order of their score for this site; give each the combination of still-free units that
comes closest to its ideal surface within its minimum and maximum; skip it, saying why, when
no such combination is left. So it maximises the score of the applications housed, greedily,
and among equal scores prefers the closest surface. No unit is given twice, every application
has already passed the hard filters (so its uses are allowed here), and the total surface
cannot exceed the site's because only the site's free units are handed out.
"""

from dataclasses import dataclass
from decimal import Decimal

from .data import ApplicationData, Result, SiteData
from .filters import best_combination, usable_units


@dataclass(frozen=True)
class Share:
    application_id: int
    score: int
    unit_ids: tuple[int, ...]
    surface: Decimal


@dataclass(frozen=True)
class Plan:
    shares: tuple[Share, ...]
    skipped: tuple[int, ...]  # applications that no longer fitted in the units left
    surface_used: Decimal
    surface_free: Decimal

    @property
    def occupancy(self) -> int:
        total = self.surface_used + self.surface_free
        return round(100 * self.surface_used / total) if total else 0

    def as_dict(self) -> dict:
        """The plan as JSON values (surfaces as strings, exact), for `SiteSharing.plan`."""
        return {
            "shares": [
                {
                    "application": s.application_id,
                    "score": s.score,
                    "units": list(s.unit_ids),
                    "surface": str(s.surface),
                }
                for s in self.shares
            ],
            "skipped": list(self.skipped),
            "surface_used": str(self.surface_used),
            "surface_free": str(self.surface_free),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Plan":
        return cls(
            shares=tuple(
                Share(s["application"], s["score"], tuple(s["units"]), Decimal(s["surface"]))
                for s in data["shares"]
            ),
            skipped=tuple(data["skipped"]),
            surface_used=Decimal(data["surface_used"]),
            surface_free=Decimal(data["surface_free"]),
        )


def share_site(
    site: SiteData,
    candidates: list[tuple[ApplicationData, Result]],
    *,
    limit: int = 8,
) -> Plan:
    """A set of compatible applications that fill `site`, best first (see the module's doc)."""
    free = {u.id: u for u in site.units}
    shares, skipped = [], []
    ordered = sorted(candidates, key=lambda pair: (-pair[1].score, pair[0].id))
    for application, result in ordered:
        if len(shares) >= limit:
            break
        pool = tuple(u for u in usable_units(application, site) if u.id in free)
        ideal = min(
            max(application.surface_ideal, application.surface_min), application.surface_max
        )
        combo = best_combination(
            pool,
            low=application.surface_min,
            ideal=ideal,
            high=application.surface_max,
            several=application.several_units_ok,
        )
        if combo is None:
            skipped.append(application.id)
            continue
        for unit in combo:
            del free[unit.id]
        shares.append(
            Share(
                application_id=application.id,
                score=result.score,
                unit_ids=tuple(u.id for u in combo),
                surface=sum((u.surface for u in combo), Decimal(0)),
            )
        )
    used = sum((s.surface for s in shares), Decimal(0))
    left = sum((u.surface for u in free.values()), Decimal(0))
    return Plan(tuple(shares), tuple(skipped), used, left)
