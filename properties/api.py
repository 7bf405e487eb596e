"""Open data: published public sites as GeoJSON and CSV, with the catalogue's filters.

Anyone may reuse them (CC BY 4.0), from any origin. Only public fields leave: see
`properties.serializers.site_open_data`. Sites come in a stable order, by reference.

Both exports are streamed: the sites are read `CHUNK_SIZE` at a time (with their activities and
numbers of units read per chunk) and written out as they come, compressed when the client accepts
gzip, so that an export of the whole Region holds one chunk in memory, not every site. The bytes
are the same as a single `json.dumps` of the whole collection, or one CSV written at once."""

import json
from collections import defaultdict

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import path
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from loket import csvsafe
from loket.reference.models import ActivityType

from .filters import SiteFilter
from .models import Site, Unit
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


# The columns `site_open_data` reads, so that each site is built from these alone.
OPEN_DATA_FIELDS = (
    "reference",
    "title_nl",
    "title_fr",
    "description_nl",
    "description_fr",
    "commune__nis_code",
    "commune__name_nl",
    "commune__name_fr",
    "kind__code",
    "total_surface_m2",
    "available_from",
    "available_until",
    "economic_model__code",
    "estimated_monthly_cost",
    "open_to_public",
    "step_free_access",
    "public_precision",
    "latitude",
    "longitude",
    "street",
    "number",
    "box",
    "postcode",
)


def _filtered(request) -> SiteFilter:
    # Exports show activities and the number of units, never photos; `_records` reads both
    # for a whole chunk of sites at once, and the condition is not shown.
    sites = (
        public_sites()
        .prefetch_related(None)
        .select_related(None)
        .select_related("commune", "kind", "economic_model")
        .only(*OPEN_DATA_FIELDS)
    )
    return SiteFilter(request.GET, queryset=sites.order_by("reference"))


def _invalid(site_filter: SiteFilter) -> HttpResponse:
    """Filters that do not parse are an error, not silently ignored: a reuser would otherwise
    take a partial answer for the whole one."""
    response = JsonResponse({"errors": site_filter.errors.get_json_data()}, status=400)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _chunks(sites):
    chunk = []
    for site in sites.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(site)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records(site_filter: SiteFilter, request, language: str):
    """The open-data records of the sites, a list per chunk of `CHUNK_SIZE` sites. Each chunk
    reads its sites' unit counts and activity codes in one query each: a prefetch would build
    a model instance for every unit and activity, for nothing but a count and a code."""
    urls = DetailUrls(request)
    ordering = [f"activitytype__{field}" for field in ActivityType._meta.ordering]
    # The generator runs after the view has returned: in the request's language all the same.
    with translation.override(language):
        for sites in _chunks(site_filter.qs):
            pks = [site.pk for site in sites]
            units = dict(
                Unit.objects.filter(site_id__in=pks)
                .order_by()
                .values("site_id")
                .annotate(count=Count("pk"))
                .values_list("site_id", "count")
            )
            activities = defaultdict(list)
            links = Site.allowed_activities.through.objects.filter(site_id__in=pks)
            for site_id, code in links.order_by(*ordering).values_list(
                "site_id", "activitytype__code"
            ):
                activities[site_id].append(code)
            yield [
                site_open_data(
                    site,
                    request=request,
                    urls=urls,
                    units=units.get(site.pk, 0),
                    activities=activities[site.pk],
                )
                for site in sites
            ]


def _geojson_parts(site_filter: SiteFilter, request, language: str):
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
    for records in _records(site_filter, request, language):
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


def _csv_parts(site_filter: SiteFilter, request, language: str):
    writer = csvsafe.writer(_Lines())
    yield writer.writerow(CSV_COLUMNS).encode()
    for records in _records(site_filter, request, language):
        yield "".join(writer.writerow(csv_row(record)) for record in records).encode()


@gzip_page
@require_GET
def sites_geojson_view(request):
    site_filter = _filtered(request)
    if not site_filter.is_valid():
        return _invalid(site_filter)
    response = StreamingHttpResponse(
        _geojson_parts(site_filter, request, translation.get_language()),
        content_type="application/geo+json",
    )
    return _open_data_headers(response)


@gzip_page
@require_GET
def sites_csv_view(request):
    site_filter = _filtered(request)
    if not site_filter.is_valid():
        return _invalid(site_filter)
    response = StreamingHttpResponse(
        _csv_parts(site_filter, request, translation.get_language()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="loket-sites.csv"'
    return _open_data_headers(response)


urlpatterns = [
    path("sites.geojson", sites_geojson_view, name="sites_geojson"),
    path("sites.csv", sites_csv_view, name="sites_csv"),
]
