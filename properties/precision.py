"""Where the public sees a site on the map. Pure: no database access."""

import hashlib
import hmac
import math
from decimal import Decimal

from .enums import PublicPrecision

MAX_OFFSET_M = 250
METRES_PER_DEGREE_LAT = 111_320


def approximate_offset(site_pk: int, secret: str) -> tuple[float, float]:
    """A fixed pseudo-random shift of up to 250 m, derived from the site and a secret, so it is
    the same on every page and export and cannot be undone without the secret."""
    digest = hmac.new(secret.encode(), f"site:{site_pk}".encode(), hashlib.sha256).digest()
    angle = int.from_bytes(digest[:4], "big") / 2**32 * 2 * math.pi
    # At least 100 m, so the shift always hides the exact entrance.
    distance = 100 + int.from_bytes(digest[4:8], "big") / 2**32 * (MAX_OFFSET_M - 100)
    return distance * math.cos(angle), distance * math.sin(angle)


def public_point(
    *,
    site_pk: int,
    latitude: Decimal | None,
    longitude: Decimal | None,
    precision: str,
    secret: str,
) -> tuple[float, float] | None:
    if latitude is None or longitude is None or precision == PublicPrecision.HIDDEN:
        return None
    lat, lon = float(latitude), float(longitude)
    if precision == PublicPrecision.APPROXIMATE:
        north, east = approximate_offset(site_pk, secret)
        lat += north / METRES_PER_DEGREE_LAT
        lon += east / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return round(lat, 6), round(lon, 6)
