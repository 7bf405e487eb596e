"""The catalogue map's data, /<lang>/sites/map.json, with the catalogue's filters and the view
shown (`?zoom=12&bbox=west,south,east,north`; see `properties.map`).

Cached per search, language and view (`properties.map`), compressed when the browser accepts
it, and with an ETag, so a map shown again costs a 304 and no query. A filter, zoom or bounding
box that does not parse is a 400 with the errors, in the open data's shape."""

import hashlib

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_safe

from ..filters import SiteFilter
from ..map import BODY_SECONDS, body_key, map_body, normalised_query, parse_view
from ..selectors import public_sites


def _body(request) -> bytes | None:
    """The cached body, built on a miss; None when the filters or the view do not parse. Kept
    on the request, because the ETag and the view both need it."""
    if not hasattr(request, "_map_body"):
        body = None
        view, errors = parse_view(request.GET)
        if not errors:
            key = body_key(normalised_query(request.GET), get_language(), view)
            body = cache.get(key)
            if body is None:
                site_filter = SiteFilter(
                    request.GET, queryset=public_sites().prefetch_related(None)
                )
                if site_filter.is_valid():
                    body = map_body(site_filter.qs, get_language(), view)
                    cache.set(key, body, BODY_SECONDS)
        request._map_body = body
    return request._map_body


def _etag(request) -> str | None:
    body = _body(request)
    return None if body is None else hashlib.sha256(body).hexdigest()[:32]


@gzip_page
@require_safe
@condition(etag_func=_etag)
def map_view(request):
    body = _body(request)
    if body is None:
        _view, errors = parse_view(request.GET)
        site_filter = SiteFilter(request.GET, queryset=public_sites())
        if not site_filter.is_valid():
            errors = {**site_filter.errors.get_json_data(), **errors}
        return JsonResponse({"errors": errors}, status=400)
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("map.json", map_view, name="map")]
