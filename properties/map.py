"""The catalogue map's compact data: for each published public site of a search, its public
point, reference, title, commune, surface and page address, and nothing else.

Built from `values()` rows and one address prefix, because the full open data costs dozens of
model instances and two `reverse()` per site. The body is cached per search, language and view
under a version that any change to a site replaces (see `forget_map_bodies`).

Where a view holds more points than a browser should draw (`MAX_POINTS`), the points are
grouped on the server, on a grid of the web map's own tiles: each cell of a quarter tile
(64 pixels) with several sites becomes one cluster, its count and the centroid of its sites'
public points; a site alone in its cell stays a point with its popup fields. Clusters are made
from the public points only (`precision.public_point`: shifted or left out as the owner chose),
so a cluster reveals nothing finer than the points themselves. The view asked for is widened to
whole blocks of tiles (`View`), so that nearby views share one cached body."""

import hashlib
import json
import math
import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from .enums import PublicPrecision
from .models import Site
from .precision import MAX_OFFSET_M, METRES_PER_DEGREE_LAT, public_point
from .serializers import TEXT_LANGUAGES

VERSION_KEY = "properties:map:version"
# An edit that sends no signal (the admin) shows on the map within this time at the latest.
BODY_SECONDS = 60
PLACEHOLDER = "__reference__"

# The view: the zoom levels of the tiles, the parameters that say which part of the map is shown.
MAX_ZOOM = 19
DEFAULT_ZOOM = 12
VIEW_PARAMETERS = ("zoom", "bbox")
# Web Mercator ends here: the tiles are square.
MAX_LATITUDE = 85.0511287798
# More points than this in one view are grouped on the server; Leaflet's own clustering takes
# the rest. 2,000 points are about 300 KB of JSON, 60 KB compressed.
MAX_POINTS = 2000
# Cells of a quarter tile, 64 pixels: about the size of Leaflet's own clusters (80 pixels).
CELLS_PER_TILE = 4
# A view is widened to blocks of 2 × 2 tiles (512 pixels), so that a small move reuses the body.
BLOCK_TILES = 2

_ZOOM = re.compile(r"\A(?:0|[1-9][0-9]?)\Z")
_DEGREES = re.compile(r"\A-?[0-9]{1,3}(?:\.[0-9]{1,15})?\Z")


def normalised_query(params: QueryDict) -> str:
    """The search as a stable string: no page number, no view, no empty fields, pairs in order."""
    pairs = sorted(
        (key, value)
        for key, values in params.lists()
        if key != "page" and key not in VIEW_PARAMETERS
        for value in values
        if value
    )
    return "&".join(f"{quote(key)}={quote(value)}" for key, value in pairs)


# --- The view -----------------------------------------------------------------------------------


def _tile_x(longitude: float, tiles: int) -> float:
    return (longitude + 180.0) / 360.0 * tiles


def _tile_y(latitude: float, tiles: int) -> float:
    latitude = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    radians = math.radians(latitude)
    return (1.0 - math.asinh(math.tan(radians)) / math.pi) / 2.0 * tiles


def _longitude(x: float, tiles: int) -> float:
    return x / tiles * 360.0 - 180.0


def _latitude(y: float, tiles: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / tiles))))


@dataclass(frozen=True)
class View:
    """A zoom level and a rectangle of whole blocks of tiles (`None`: the whole map).

    `blocks` is (west, north, east, south) in tiles at `zoom`, multiples of `BLOCK_TILES`,
    north and west inclusive, south and east exclusive."""

    zoom: int
    blocks: tuple[int, int, int, int] | None = None

    @property
    def tiles(self) -> int:
        return 2**self.zoom

    def key(self) -> str:
        return f"{self.zoom}:" + (
            "world" if self.blocks is None else ":".join(map(str, self.blocks))
        )

    def bounds(self) -> tuple[float, float, float, float] | None:
        """West, south, east, north in degrees, or None for the whole map."""
        if self.blocks is None:
            return None
        west, north, east, south = self.blocks
        return (
            round(_longitude(west, self.tiles), 6),
            round(_latitude(south, self.tiles), 6),
            round(_longitude(east, self.tiles), 6),
            round(_latitude(north, self.tiles), 6),
        )

    def cell(self, latitude: float, longitude: float) -> tuple[int, int] | None:
        """The grid cell of a point, or None when it is outside the view."""
        x = _tile_x(longitude, self.tiles)
        y = _tile_y(latitude, self.tiles)
        if self.blocks is not None:
            west, north, east, south = self.blocks
            if not (west <= x < east or x == east == self.tiles) or not (north <= y < south):
                return None
        return math.floor(x * CELLS_PER_TILE), math.floor(y * CELLS_PER_TILE)


def _snapped(zoom: int, west: float, south: float, east: float, north: float) -> View:
    tiles = 2**zoom

    def down(value: float) -> int:
        return max(0, math.floor(value / BLOCK_TILES) * BLOCK_TILES)

    def up(value: float) -> int:
        return min(tiles, math.ceil(value / BLOCK_TILES) * BLOCK_TILES)

    blocks = (
        down(_tile_x(west, tiles)),
        down(_tile_y(north, tiles)),
        up(_tile_x(east, tiles)),
        up(_tile_y(south, tiles)),
    )
    return View(zoom=zoom, blocks=blocks)


def _error(message: str) -> list[dict]:
    return [{"message": message, "code": "invalid"}]


def parse_view(params: QueryDict) -> tuple[View | None, dict]:
    """The view asked for and the errors, in the shape of a form's `errors.get_json_data()`.

    `zoom` alone is the whole map at that zoom; no `zoom` is the whole map at `DEFAULT_ZOOM`;
    `bbox` is "west,south,east,north" in degrees and needs a zoom. Numbers are plain decimals:
    no exponent, no NaN, west before east and south before north."""
    errors = {}
    zooms, boxes = params.getlist("zoom"), params.getlist("bbox")
    zoom = DEFAULT_ZOOM
    if (
        len(zooms) > 1
        or (zooms and not _ZOOM.match(zooms[0]))
        or (zooms and int(zooms[0]) > MAX_ZOOM)
    ):
        errors["zoom"] = _error(
            _("Give the zoom as a whole number from 0 to %(max)s.") % {"max": MAX_ZOOM}
        )
    elif zooms:
        zoom = int(zooms[0])
    elif boxes:
        errors["zoom"] = _error(_("Give the zoom with the bounding box."))
    if not boxes:
        return (None, errors) if errors else (View(zoom=zoom), errors)
    parts = boxes[0].split(",") if len(boxes) == 1 else []
    if len(parts) != 4 or not all(_DEGREES.match(part) for part in parts):
        errors["bbox"] = _error(
            _("Give the bounding box as west,south,east,north in decimal degrees.")
        )
        return None, errors
    west, south, east, north = (float(part) for part in parts)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        errors["bbox"] = _error(
            _(
                "The bounding box must run from west to east between -180 and 180, and from "
                "south to north between -90 and 90."
            )
        )
    if errors:
        return None, errors
    return _snapped(zoom, west, south, east, north), errors


# --- The cache ----------------------------------------------------------------------------------


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _new_version() -> None:
    # A fresh token, not a counter: a version key lost from the cache can never bring back
    # bodies stored under an old number.
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def forget_map_bodies(**kwargs) -> None:
    """Receiver of `site_changed`: a new version at once. No on-commit callback, so that a
    change starts no extra work after its commit; a request that reads the old rows before
    the commit keeps them at most `BODY_SECONDS`, as long as a public page stays cached."""
    _new_version()


def body_key(query: str, language: str, view: View | None = None) -> str:
    view = view or View(zoom=DEFAULT_ZOOM)
    digest = hashlib.sha256(f"{query}#{view.key()}".encode()).hexdigest()
    return f"properties:map:{_version()}:{language}:{digest}"


# --- The body -----------------------------------------------------------------------------------


def _text(row: dict, field: str, language: str) -> str:
    """The same fallback as `serializers.translated_text`, over a values() row."""
    own = row.get(f"{field}_{language}") or ""
    if own:
        return own
    for other in TEXT_LANGUAGES:
        if other != language and row.get(f"{field}_{other}"):
            return row[f"{field}_{other}"]
    return ""


def _near(sites: QuerySet[Site], view: View) -> QuerySet[Site]:
    """The sites whose own point may have a public point in the view: a shifted point moves
    at most `MAX_OFFSET_M`, so the rectangle is widened by that much."""
    sites = sites.filter(latitude__isnull=False, longitude__isnull=False).exclude(
        public_precision=PublicPrecision.HIDDEN
    )
    bounds = view.bounds()
    if bounds is None:
        return sites
    west, south, east, north = bounds
    margin = MAX_OFFSET_M / METRES_PER_DEGREE_LAT * 1.01
    sites = sites.filter(latitude__gte=south - margin, latitude__lte=north + margin)
    widest = max(abs(south), abs(north)) + margin
    if widest < 80:
        margin_east = margin / math.cos(math.radians(widest))
        sites = sites.filter(longitude__gte=west - margin_east, longitude__lte=east + margin_east)
    return sites


def _popups(points: dict[int, tuple[float, float]], language: str) -> list[dict]:
    """The popup fields of the sites `points` names, by reference, each with its point."""
    codes = [code for code, _name in settings.LANGUAGES]
    rows = (
        Site.objects.filter(pk__in=list(points))
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "total_surface_m2",
            *(f"title_{code}" for code in codes),
            *(f"commune__name_{code}" for code in codes),
        )
    )
    before, after = reverse("properties:detail", kwargs={"reference": PLACEHOLDER}).split(
        PLACEHOLDER
    )
    features = []
    for row in rows:
        surface = row["total_surface_m2"]
        features.append(
            {
                "reference": row["reference"],
                "title": _text(row, "title", language) or row["reference"],
                "commune": _text(row, "commune__name", language),
                "surface_m2": round(surface) if surface is not None else None,
                "url": f"{before}{quote(row['reference'], safe='')}{after}",
                "point": list(points[row["pk"]]),
            }
        )
    return features


def map_body(sites: QuerySet[Site], language: str, view: View | None = None) -> bytes:
    """The JSON for the map in `view` (the whole map at the default zoom when None): the points
    of the sites, or clusters and lone points when they are more than `MAX_POINTS`. Sites whose
    location is hidden are left out. Two queries: the points, then the popups."""
    view = view or View(zoom=DEFAULT_ZOOM)
    rows = _near(sites, view).values_list("pk", "latitude", "longitude", "public_precision")
    cells: dict[tuple[int, int], list] = {}
    points: dict[int, tuple[float, float]] = {}
    secret = settings.SECRET_KEY
    for pk, latitude, longitude, precision in rows:
        point = public_point(
            site_pk=pk,
            latitude=latitude,
            longitude=longitude,
            precision=precision,
            secret=secret,
        )
        cell = view.cell(*point)
        if cell is None:
            continue
        points[pk] = point
        cells.setdefault(cell, []).append(pk)
    clustered = len(points) > MAX_POINTS
    clusters = []
    if clustered:
        alone = {}
        for cell in sorted(cells):
            members = cells[cell]
            if len(members) == 1:
                alone[members[0]] = points[members[0]]
                continue
            latitudes = [points[pk][0] for pk in members]
            longitudes = [points[pk][1] for pk in members]
            clusters.append(
                {
                    "count": len(members),
                    "point": [
                        round(sum(latitudes) / len(members), 6),
                        round(sum(longitudes) / len(members), 6),
                    ],
                    "bounds": [
                        [min(latitudes), min(longitudes)],
                        [max(latitudes), max(longitudes)],
                    ],
                }
            )
        points = alone
    body = {
        "zoom": view.zoom,
        "bbox": view.bounds(),
        "clustered": clustered,
        "sites": _popups(points, language) if points else [],
        "clusters": clusters,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
