"""Open data: published public sites as GeoJSON and CSV, with the catalogue's filters.

Anyone may reuse them (CC BY 4.0), from any origin. Only public fields leave: see
`properties.serializers.site_open_data`. Sites come in a stable order, by reference.

Both exports are streamed: the sites are read `CHUNK_SIZE` at a time (with their activities and
units prefetched per chunk) and written out as they come, compressed when the client accepts
gzip, so that an export of the whole Region holds one chunk in memory, not every site. The bytes
are the same as a single `json.dumps` of the whole collection, or one CSV written at once."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from loket import csvsafe

from .filters import SiteFilter
from .selectors import public_sites
from .serializers import (
    CSV_COLUMNS,
    OPEN_DATA_LICENSE,
    OPEN_DATA_LICENSE_URL,
    DetailUrls,
    csv_row,
    geojson_feature,
    site_open_data,
)

CACHE_SECONDS = 300
# Sites read, and prefetched, per query; the records of one chunk are written out together.
CHUNK_SIZE = 1000


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


def _records(site_filter: SiteFilter, request):
    """The open-data records of the sites, in chunks (lists of `CHUNK_SIZE` records at most)."""
    urls = DetailUrls(request)
    chunk = []
    for site in site_filter.qs.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(site_open_data(site, request=request, urls=urls))
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _geojson_parts(site_filter: SiteFilter, request):
    # What json.dumps writes for the whole collection, cut around the list of features.
    empty = json.dumps(
        {
            "type": "FeatureCollection",
            "license": OPEN_DATA_LICENSE,
            "license_url": OPEN_DATA_LICENSE_URL,
            "features": [],
        },
        ensure_ascii=False,
    )
    head, tail = empty[: -len("]}")], "]}"
    yield head.encode()
    separator = ""
    for records in _records(site_filter, request):
        features = ", ".join(
            json.dumps(geojson_feature(record), cls=DjangoJSONEncoder, ensure_ascii=False)
            for record in records
        )
        yield f"{separator}{features}".encode()
        separator = ", "
    yield tail.encode()


class _Lines:
    """A file for `csv.writer` that hands each written line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def _csv_parts(site_filter: SiteFilter, request):
    writer = csvsafe.writer(_Lines())
    yield writer.writerow(CSV_COLUMNS).encode()
    for records in _records(site_filter, request):
        yield "".join(writer.writerow(csv_row(record)) for record in records).encode()


@gzip_page
@require_GET
def sites_geojson_view(request):
    site_filter = _filtered(request)
    if not site_filter.is_valid():
        return _invalid(site_filter)
    response = StreamingHttpResponse(
        _geojson_parts(site_filter, request), content_type="application/geo+json"
    )
    return _open_data_headers(response)


@gzip_page
@require_GET
def sites_csv_view(request):
    site_filter = _filtered(request)
    if not site_filter.is_valid():
        return _invalid(site_filter)
    response = StreamingHttpResponse(
        _csv_parts(site_filter, request), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="loket-sites.csv"'
    return _open_data_headers(response)


urlpatterns = [
    path("sites.geojson", sites_geojson_view, name="sites_geojson"),
    path("sites.csv", sites_csv_view, name="sites_csv"),
]
