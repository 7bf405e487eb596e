"""Plain functions turning a site into what the public may see. Everything public pages and the
open data show about a site goes through here, so no owner, person, internal reference or
hidden coordinate can slip into one of them by accident."""

from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS

from .enums import PublicPrecision
from .models import Site
from .precision import public_point

# The languages owners write in; English pages fall back to them in this order.
TEXT_LANGUAGES = ("nl", "fr")

OPEN_DATA_LICENSE = "CC BY 4.0"
OPEN_DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def translated_text(site: Site, field: str, language: str) -> tuple[str, str | None]:
    """The text of `field` to show in `language`, and the language it is really written in when
    that is another one (None when it exists in `language`, or nowhere)."""
    own = getattr(site, f"{field}_{language}", "") or ""
    if own:
        return own, None
    for other in TEXT_LANGUAGES:
        text = getattr(site, f"{field}_{other}", "") or ""
        if other != language and text:
            return text, other
    return "", None


def site_point(site: Site) -> tuple[float, float] | None:
    """The point the public sees: exact, shifted by a fixed offset, or none."""
    return public_point(
        site_pk=site.pk,
        latitude=site.latitude,
        longitude=site.longitude,
        precision=site.public_precision,
        secret=settings.SECRET_KEY,
    )


def public_address(site: Site) -> str:
    """The street address only when the owner agreed to show the exact location."""
    return site.address if site.public_precision == PublicPrecision.EXACT else ""


def detail_path(site: Site, language: str) -> str:
    with translation.override(language):
        return reverse("properties:detail", kwargs={"reference": site.reference})


class DetailUrls:
    """A site's absolute page address in Dutch and French, from one `reverse()` per language
    for a whole export instead of two per site. The reference is quoted as `reverse()` quotes
    a path, so each address is the one `detail_path` gives."""

    PLACEHOLDER = "__reference__"
    # What `reverse()` leaves unquoted in a path (django.urls.resolvers).
    SAFE = f"{RFC3986_SUBDELIMS}/~:@"

    def __init__(self, request):
        self.around = {}
        for language in TEXT_LANGUAGES:
            with translation.override(language):
                path = reverse("properties:detail", kwargs={"reference": self.PLACEHOLDER})
            self.around[language] = request.build_absolute_uri(path).split(self.PLACEHOLDER)

    def __call__(self, site: Site, language: str) -> str:
        before, after = self.around[language]
        return f"{before}{quote(site.reference, safe=self.SAFE)}{after}"


def site_open_data(
    site: Site,
    *,
    request,
    urls: DetailUrls | None = None,
    units: int | None = None,
    activities: list[str] | None = None,
) -> dict:
    """One site's open-data record. Expects `public_sites()` prefetches (activities, units),
    unless the caller gives the number of units and the activity codes (in the activities'
    order), as an export does from one query per chunk of sites; it also passes one
    `DetailUrls` for all its sites."""
    urls = urls or DetailUrls(request)
    if units is None:
        units = len(site.units.all())
    if activities is None:
        activities = [activity.code for activity in site.allowed_activities.all()]
    point = site_point(site)
    commune = site.commune
    return {
        "reference": site.reference,
        "title_nl": site.title_nl or "",
        "title_fr": site.title_fr or "",
        "description_nl": site.description_nl or "",
        "description_fr": site.description_fr or "",
        "commune_nis": commune.nis_code if commune else None,
        "commune_nl": commune.name_nl if commune else None,
        "commune_fr": commune.name_fr if commune else None,
        "kind": site.kind.code if site.kind else None,
        "total_surface_m2": site.total_surface_m2,
        "units": units,
        "available_from": site.available_from,
        "available_until": site.available_until,
        "economic_model": site.economic_model.code if site.economic_model else None,
        "estimated_monthly_cost_eur": site.estimated_monthly_cost,
        "open_to_public": site.open_to_public,
        "step_free_access": site.step_free_access,
        "activities": activities,
        "public_precision": site.public_precision,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "address": public_address(site),
        "url_nl": urls(site, "nl"),
        "url_fr": urls(site, "fr"),
    }


def _json_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, bool | int | float | str | list):
        return float(value)  # Decimal
    return value


def geojson_feature(record: dict) -> dict:
    """A GeoJSON Feature; the geometry is null when the location is hidden."""
    latitude, longitude = record["latitude"], record["longitude"]
    geometry = None
    if latitude is not None and longitude is not None:
        geometry = {"type": "Point", "coordinates": [longitude, latitude]}
    properties = {
        key: _json_value(value)
        for key, value in record.items()
        if key not in ("latitude", "longitude")
    }
    return {
        "type": "Feature",
        "id": record["reference"],
        "geometry": geometry,
        "properties": properties,
    }


CSV_COLUMNS = (
    "reference",
    "title_nl",
    "title_fr",
    "description_nl",
    "description_fr",
    "commune_nis",
    "commune_nl",
    "commune_fr",
    "kind",
    "total_surface_m2",
    "units",
    "available_from",
    "available_until",
    "economic_model",
    "estimated_monthly_cost_eur",
    "open_to_public",
    "step_free_access",
    "activities",
    "public_precision",
    "latitude",
    "longitude",
    "address",
    "url_nl",
    "url_fr",
)


def _csv_value(value):
    """Text for the CSV; numbers stay numbers, so the writer can tell them from text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, list):
        return "|".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def csv_row(record: dict) -> list:
    return [_csv_value(record[column]) for column in CSV_COLUMNS]
