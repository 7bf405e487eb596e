"""Turning an address into a point. The portal talks to a `Geocoder`; settings.GEOCODER names
the class. The real one asks the Region's UrbIS address service; tests and `make run` use the
offline stand-in, which needs no network."""

import hashlib
import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Point:
    latitude: Decimal
    longitude: Decimal


class Geocoder(Protocol):
    def geocode(self, *, street: str, number: str, postcode: str, commune) -> Point | None: ...


class OfflineGeocoder:
    """Places an address near its commune's centre, shifted by a stable amount derived from the
    street, so that different streets land on different points. For tests and demos only."""

    def geocode(self, *, street: str, number: str, postcode: str, commune) -> Point | None:
        if commune is None or commune.latitude is None:
            return None
        digest = hashlib.sha256(f"{street.lower()}|{number}".encode()).digest()
        north = (digest[0] - 128) / 128 * 0.008
        east = (digest[1] - 128) / 128 * 0.012
        return Point(
            latitude=(commune.latitude + Decimal(str(round(north, 6)))).quantize(
                Decimal("0.000001")
            ),
            longitude=(commune.longitude + Decimal(str(round(east, 6)))).quantize(
                Decimal("0.000001")
            ),
        )


class UrbisGeocoder:
    """The Brussels UrbIS localisation service (geoservices.irisnet.be), in WGS84."""

    endpoint = "https://geoservices.irisnet.be/localization/Rest/Localize/getaddresses"
    timeout = 5

    def geocode(self, *, street: str, number: str, postcode: str, commune) -> Point | None:
        query = urllib.parse.urlencode(
            {
                "address": f"{street} {number}, {postcode}".strip(),
                "language": "fr",
                "spatialReference": "4326",
            }
        )
        try:
            # The endpoint is a fixed https URL, not user input.
            with urllib.request.urlopen(  # noqa: S310
                f"{self.endpoint}?{query}", timeout=self.timeout
            ) as response:
                payload = json.load(response)
        except (OSError, ValueError) as exc:
            logger.warning("UrbIS geocoding failed: %s", exc)
            return None
        results = payload.get("result") or []
        if not results:
            return None
        point = results[0].get("point") or {}
        try:
            return Point(latitude=Decimal(str(point["y"])), longitude=Decimal(str(point["x"])))
        except (KeyError, ArithmeticError):
            return None


def get_geocoder() -> Geocoder:
    return import_string(settings.GEOCODER)()
