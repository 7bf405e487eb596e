"""The public catalogue: the list and map of sites, and one page per site. URL patterns live at
the bottom of this module.

Published public sites are open to everyone. Any other site is a 404, except for the owner's
members and caseworkers, who see it with a banner, so they can check it before it goes out."""

from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loket.pagination import with_links

from ..enums import VISIBLE_STATES, Publication, PublicPrecision
from ..filters import SiteFilter
from ..models import Site
from ..selectors import can_manage, can_view, public_sites
from ..serializers import public_address, site_point, translated_text

PAGE_SIZE = 20
PLACEHOLDER = "__reference__"

# What a site has, in the order the detail page lists it.
FEATURES = (
    "has_electricity",
    "has_water",
    "has_heating",
    "has_toilets",
    "has_kitchen",
    "has_internet",
    "has_loading_access",
    "step_free_access",
    "accessible_toilet",
    "open_to_public",
    "housing_allowed",
    "heritage_listed",
    "extension_possible",
)

FEE_UNITS = {
    "fee_per_m2": _("per m² per month"),
    "fee_per_person": _("per person per month"),
    "all_in": _("per month, all in"),
}


def _with_texts(site: Site, language: str) -> Site:
    """Attach the title and description to show, and the language they are really in."""
    site.shown_title, site.title_language = translated_text(site, "title", language)
    site.shown_description, site.description_language = translated_text(
        site, "description", language
    )
    return site


def _search_query(params: QueryDict) -> str:
    """The search as a query string for the map, the downloads and the page links: without the
    page number and without the fields the form sent empty."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        kept = [value for value in values if value]
        if key != "page" and kept:
            query.setlist(key, kept)
    return query.urlencode()


def _detail_path_maker():
    """A function giving a site's page address from its reference: reversed once for a whole
    list instead of once per row, quoted as `reverse()` quotes it."""
    before, after = reverse("properties:detail", kwargs={"reference": PLACEHOLDER}).split(
        PLACEHOLDER
    )
    return lambda reference: f"{before}{quote(reference, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


def catalogue_view(request):
    language = get_language()
    site_filter = SiteFilter(request.GET, queryset=public_sites(prefetch=False))
    page = None
    query = _search_query(request.GET)
    if site_filter.is_valid():
        # A page number that is not one, or past the end, shows the first or the last page:
        # the catalogue's links are shared and bookmarked while the sites come and go.
        page = Paginator(site_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        with_links(page, query=query)
        detail_path = _detail_path_maker()
        for site in page.object_list:
            _with_texts(site, language)
            site.detail_path = detail_path(site.reference)
    return render(
        request,
        "properties/public/catalogue.html",
        {
            "filter": site_filter,
            "form": site_filter.form,
            "page": page,
            "query": query,
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


def detail_view(request, reference: str):
    if "\x00" in reference:
        # %00 in the address: no reference has one, and PostgreSQL refuses it in a query.
        raise Http404
    site = get_object_or_404(
        Site.objects.select_related("commune", "kind", "condition", "economic_model"),
        reference=reference,
    )
    if not can_view(request.user, site):
        raise Http404
    language = get_language()
    _with_texts(site, language)
    is_public = site.state in VISIBLE_STATES and site.publication == Publication.PUBLIC
    point = site_point(site)
    model_code = site.economic_model.code if site.economic_model else None
    return render(
        request,
        "properties/public/detail.html",
        {
            "site": site,
            "is_public": is_public,
            # The owner (or the desk) reading their own site's page is not invited to apply.
            "manages_site": can_manage(request.user, site),
            "photos": site.photos.all(),
            "units": site.units.select_related("kind"),
            "activities": site.allowed_activities.all(),
            "documents": site.documents.filter(is_public=True),
            "features": [
                Site._meta.get_field(name).verbose_name for name in FEATURES if getattr(site, name)
            ],
            "fee_unit": FEE_UNITS.get(model_code, ""),
            "address": public_address(site),
            "point": point,
            "is_approximate": site.public_precision == PublicPrecision.APPROXIMATE,
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


urlpatterns = [
    path("", catalogue_view, name="catalogue"),
    path("<str:reference>/", detail_view, name="detail"),
]
