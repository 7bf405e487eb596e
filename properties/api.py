"""Open data: published public sites as GeoJSON and CSV, with the catalogue's filters.

Anyone may reuse them (CC BY 4.0), from any origin. Only public fields leave: see
`properties.serializers.site_open_data`. Sites come in a stable order, by reference."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from loket import csvsafe

from .filters import SiteFilter
from .selectors import public_sites
from .serializers import (
    CSV_COLUMNS,
    OPEN_DATA_LICENSE,
    OPEN_DATA_LICENSE_URL,
    csv_row,
    geojson_feature,
    site_open_data,
)

CACHE_SECONDS = 300


def _open_data_headers(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{OPEN_DATA_LICENSE_URL}>; rel="license"'
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _filtered(request) -> SiteFilter:
    # Exports show activities and the number of units, never photos.
    sites = public_sites().prefetch_related(None).prefetch_related("allowed_activities", "units")
    return SiteFilter(request.GET, queryset=sites.order_by("reference"))


def _invalid(site_filter: SiteFilter) -> HttpResponse:
    """Filters that do not parse are an error, not silently ignored: a reuser would otherwise
    take a partial answer for the whole one."""
    response = JsonResponse({"errors": site_filter.errors.get_json_data()}, status=400)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def sites_geojson_view(request):
    site_filter = _filtered(request)
    if not site_filter.is_valid():
        return _invalid(site_filter)
    collection = {
        "type": "FeatureCollection",
        "license": OPEN_DATA_LICENSE,
        "license_url": OPEN_DATA_LICENSE_URL,
        "features": [
            geojson_feature(site_open_data(site, request=request)) for site in site_filter.qs
        ],
    }
    response = HttpResponse(
        json.dumps(collection, cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/geo+json",
    )
    return _open_data_headers(response)


@require_GET
def sites_csv_view(request):
    site_filter = _filtered(request)
    if not site_filter.is_valid():
        return _invalid(site_filter)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="loket-sites.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(CSV_COLUMNS)
    for site in site_filter.qs:
        writer.writerow(csv_row(site_open_data(site, request=request)))
    return _open_data_headers(response)


urlpatterns = [
    path("sites.geojson", sites_geojson_view, name="sites_geojson"),
    path("sites.csv", sites_csv_view, name="sites_csv"),
]
