"""Demand figures: what the open requests ask for. Used by the desk's admin now and by the
statistics later. Every figure is computed in the database, in a fixed number of queries."""

from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from loket.communes.models import Commune
from loket.reference.models import ActivityType

from .enums import OPEN_STATES, SURFACE_BANDS
from .models import Application

OPEN = Q(application__state__in=OPEN_STATES)

SURFACE_BAND_LABELS = {
    "lt100": _("under 100 m²"),
    "100-499": _("100 to 499 m²"),
    "500-1999": _("500 to 1,999 m²"),
    "2000plus": _("2,000 m² and more"),
}


def open_applications():
    return Application.objects.filter(state__in=OPEN_STATES)


def open_requests_by_commune() -> dict:
    """Open requests that name each commune (a request may name several), and separately the
    requests happy anywhere in the Region. Two queries."""
    communes = list(
        Commune.objects.annotate(open_requests=Count("application", filter=OPEN)).order_by("pk")
    )
    anywhere = open_applications().filter(anywhere=True).count()
    return {"communes": communes, "anywhere": anywhere}


def open_requests_by_activity() -> list:
    """Activity types with their number of open requests. One query."""
    return list(
        ActivityType.objects.annotate(open_requests=Count("application", filter=OPEN)).order_by(
            "pk"
        )
    )


def surface_band_expression(field: str = "surface_min") -> Case:
    whens = []
    for code, lower, upper in SURFACE_BANDS:
        condition = Q(**{f"{field}__gte": lower})
        if upper is not None:
            condition &= Q(**{f"{field}__lt": upper})
        whens.append(When(condition, then=Value(code)))
    return Case(*whens, default=None, output_field=CharField())


def surface_band_q(code: str, field: str = "surface_min") -> Q:
    for band, lower, upper in SURFACE_BANDS:
        if band == code:
            condition = Q(**{f"{field}__gte": lower})
            if upper is not None:
                condition &= Q(**{f"{field}__lt": upper})
            return condition
    raise KeyError(code)


def open_requests_by_surface_band() -> list[dict]:
    """Each band of SURFACE_BANDS (on the minimum surface) with its number of open requests, in
    the bands' order, empty bands included. One query."""
    rows = (
        open_applications()
        .exclude(surface_min=None)
        .annotate(band=surface_band_expression())
        .values("band")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["band"]: row["count"] for row in rows}
    return [
        {"code": code, "label": SURFACE_BAND_LABELS.get(code, code), "count": counts.get(code, 0)}
        for code, _lower, _upper in SURFACE_BANDS
    ]


def m2_asked() -> dict[str, Decimal]:
    """The m² the open requests ask for, at the least and ideally. One query."""
    totals = open_applications().aggregate(minimum=Sum("surface_min"), ideal=Sum("surface_ideal"))
    return {name: value or Decimal(0) for name, value in totals.items()}


def demand_figures() -> dict:
    return {
        "by_commune": open_requests_by_commune(),
        "by_activity": open_requests_by_activity(),
        "by_surface_band": open_requests_by_surface_band(),
        "m2_asked": m2_asked(),
    }
