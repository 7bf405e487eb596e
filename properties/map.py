"""The catalogue map's compact data: for each published public site of a search, its public
point, reference, title, commune, surface and page address, and nothing else.

Built from `values()` rows and one address prefix, because the full open data costs dozens of
model instances and two `reverse()` per site. The body is cached per search and language under
a version that any change to a site replaces (see `forget_map_bodies`)."""

import hashlib
import json
import uuid
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse

from .models import Site
from .precision import public_point
from .serializers import TEXT_LANGUAGES

VERSION_KEY = "properties:map:version"
# An edit that sends no signal (the admin) shows on the map within this time at the latest.
BODY_SECONDS = 60
PLACEHOLDER = "__reference__"


def normalised_query(params: QueryDict) -> str:
    """The search as a stable string: no page number, no empty fields, pairs in order."""
    pairs = sorted(
        (key, value) for key, values in params.lists() if key != "page" for value in values if value
    )
    return "&".join(f"{quote(key)}={quote(value)}" for key, value in pairs)


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


def body_key(query: str, language: str) -> str:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return f"properties:map:{_version()}:{language}:{digest}"


def _text(row: dict, field: str, language: str) -> str:
    """The same fallback as `serializers.translated_text`, over a values() row."""
    own = row.get(f"{field}_{language}") or ""
    if own:
        return own
    for other in TEXT_LANGUAGES:
        if other != language and row.get(f"{field}_{other}"):
            return row[f"{field}_{other}"]
    return ""


def map_body(sites: QuerySet[Site], language: str) -> bytes:
    """The JSON for the map: sites whose location is hidden are left out."""
    codes = [code for code, _name in settings.LANGUAGES]
    rows = sites.values(
        "pk",
        "reference",
        "latitude",
        "longitude",
        "public_precision",
        "total_surface_m2",
        *(f"title_{code}" for code in codes),
        *(f"commune__name_{code}" for code in codes),
    )
    before, after = reverse("properties:detail", kwargs={"reference": PLACEHOLDER}).split(
        PLACEHOLDER
    )
    features = []
    for row in rows:
        point = public_point(
            site_pk=row["pk"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            precision=row["public_precision"],
            secret=settings.SECRET_KEY,
        )
        if point is None:
            continue
        surface = row["total_surface_m2"]
        features.append(
            {
                "reference": row["reference"],
                "title": _text(row, "title", language) or row["reference"],
                "commune": _text(row, "commune__name", language),
                "surface_m2": round(surface) if surface is not None else None,
                "url": f"{before}{quote(row['reference'], safe='')}{after}",
                "point": list(point),
            }
        )
    return json.dumps({"sites": features}, ensure_ascii=False, separators=(",", ":")).encode()
