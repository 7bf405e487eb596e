"""The matching engine's plain data: what it reads (`ApplicationData`, `SiteData` with its
`UnitData`) and what it gives back (`Result`, made of `Line`s). No Django here: the rows are
turned into these in `matching.market`, and the engine (`matching.scoring`, with the hard
filters of `matching.filters`) works on them alone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

# Unit kinds that are open land; every other kind is (part of) a building.
LAND_UNIT_KINDS = frozenset({"open_land"})


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
    # Divided into units, booked or free: let by its free units only, so with none free it
    # offers nothing. A site without units is let as a whole.
    divided: bool = False

    # Worked out once per site: the filters read them for every application.
    @cached_property
    def land_units(self) -> tuple[UnitData, ...]:
        return tuple(u for u in self.units if u.kind in LAND_UNIT_KINDS)

    @cached_property
    def building_units(self) -> tuple[UnitData, ...]:
        return tuple(u for u in self.units if u.kind not in LAND_UNIT_KINDS)

    @property
    def let_by_units(self) -> bool:
        return self.divided or bool(self.units)

    @cached_property
    def as_one_unit(self) -> tuple[UnitData, ...]:
        """The site let as a whole, when it is not divided into units."""
        return (UnitData(id=0, surface=self.total_surface),)

    @cached_property
    def pool_surfaces(self) -> dict[str, tuple[Decimal, ...]]:
        """By the space kind a request asks (building, land, either): the sorted surfaces of
        the units it may be given, or of the whole site when it has no units."""
        if not self.let_by_units:
            whole = (self.total_surface,)
            return {"building": whole, "land": whole, "either": whole}
        return {
            "building": tuple(sorted(u.surface for u in self.building_units)),
            "land": tuple(sorted(u.surface for u in self.land_units)),
            "either": tuple(sorted(u.surface for u in self.units)),
        }

    @cached_property
    def pool_totals(self) -> dict[str, Decimal]:
        """The sum of each of `pool_surfaces`."""
        return {kind: sum(surfaces, Decimal(0)) for kind, surfaces in self.pool_surfaces.items()}


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
