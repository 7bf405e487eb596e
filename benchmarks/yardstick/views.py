"""Plain views over Loket's tables, written as a Django project without Loket's machinery
would write them: the same queries, the same rows, the same fields on the page."""

import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from loket.communes.models import Commune
from loket.reference.models import ActivityType, EconomicModel, SiteKind
from properties.enums import VISIBLE_STATES
from properties.models import Site
from properties.precision import public_point
from properties.views.public import FEATURES

VISIBLE = VISIBLE_STATES
PAGE_SIZE = 20


def _public():
    return Site.objects.filter(state__in=VISIBLE, publication="public")


def _choices():
    """The filter's lists, kept in Django's default cache as a plain project would."""
    lists = cache.get("choices")
    if lists is None:
        lists = {
            "communes": list(Commune.objects.all()),
            "kinds": list(SiteKind.objects.filter(is_active=True)),
            "activities": list(ActivityType.objects.filter(is_active=True)),
            "models": list(EconomicModel.objects.filter(is_active=True)),
        }
        cache.set("choices", lists, 3600)
    return lists


def _decimal(value):
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _filtered(params, lists):
    sites = _public()
    if communes := params.getlist("commune"):
        sites = sites.filter(
            commune_id__in=[c.pk for c in lists["communes"] if c.nis_code in communes]
        )
    if (value := _decimal(params.get("surface_min"))) is not None:
        sites = sites.filter(total_surface_m2__gte=value)
    if (value := _decimal(params.get("surface_max"))) is not None:
        sites = sites.filter(total_surface_m2__lte=value)
    codes = {"kind": "kinds", "activity": "activities", "economic_model": "models"}
    for param, name in codes.items():
        if code := params.get(param):
            item = next((i for i in lists[name] if i.code == code), None)
            if item is not None:
                field = "allowed_activities" if param == "activity" else param
                sites = sites.filter(**{field: item})
    if value := params.get("available_from"):
        sites = sites.filter(Q(available_until__isnull=True) | Q(available_until__gte=value))
    if value := params.get("available_until"):
        sites = sites.filter(Q(available_from__isnull=True) | Q(available_from__lte=value))
    if (value := _decimal(params.get("max_cost"))) is not None:
        sites = sites.filter(estimated_monthly_cost__lte=value)
    for flag in ("open_to_public", "step_free_access"):
        if params.get(flag):
            sites = sites.filter(**{flag: True})
    return sites


def home(request):
    return render(request, "yardstick/home.html")


def catalogue(request):
    lists = _choices()
    sites = _filtered(request.GET, lists).select_related(
        "commune", "kind", "condition", "economic_model"
    )
    page = Paginator(sites.order_by("reference"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "yardstick/catalogue.html",
        {"page": page, "lists": lists, "params": request.GET, "query": query.urlencode()},
    )


def detail(request, reference):
    site = get_object_or_404(
        _public().select_related("commune", "kind", "condition", "economic_model"),
        reference=reference,
    )
    return render(
        request,
        "yardstick/detail.html",
        {
            "site": site,
            "photos": site.photos.order_by("position", "pk"),
            "units": site.units.select_related("kind"),
            "activities": site.allowed_activities.all(),
            "documents": site.documents.filter(is_public=True),
            "features": [
                Site._meta.get_field(name).verbose_name for name in FEATURES if getattr(site, name)
            ],
        },
    )


def _text(row, field):
    for language in ("nl", "fr"):
        if row[f"{field}_{language}"]:
            return row[f"{field}_{language}"]
    return ""


def site_map(request):
    """The catalogue map's JSON (the body `properties.map` builds), from values() rows."""
    rows = (
        _filtered(request.GET, _choices())
        .order_by("reference")
        .values(
            "pk",
            "reference",
            "latitude",
            "longitude",
            "public_precision",
            "total_surface_m2",
            "title_nl",
            "title_fr",
            "title_en",
            "commune__name_nl",
            "commune__name_fr",
            "commune__name_en",
        )
    )
    before, after = reverse("detail", args=["__ref__"]).split("__ref__")
    sites = []
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
        sites.append(
            {
                "reference": row["reference"],
                "title": _text(row, "title") or row["reference"],
                "commune": _text(row, "commune__name"),
                "surface_m2": round(surface) if surface is not None else None,
                "url": f"{before}{row['reference']}{after}",
                "point": list(point),
            }
        )
    body = json.dumps({"sites": sites}, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type="application/json")
