"""Reusable querysets for sites. Each prefetches what its pages show, so that a list costs the
same number of queries for one site and for a thousand."""

from django.db.models import Case, Prefetch, QuerySet, Value, When

from loket.accounts.access import has_desk_powers
from loket.accounts.models import User
from loket.organisations.selectors import current_organisation_ids

from .enums import FINAL_STATES, VISIBLE_STATES, Publication
from .models import Site, SitePhoto, Unit

# What a site's card and page show beside it, joined in the same query.
JOINED = ("commune", "kind", "condition", "economic_model")


def _with_related(queryset: QuerySet[Site]) -> QuerySet[Site]:
    return queryset.select_related(*JOINED).prefetch_related(
        "allowed_activities",
        Prefetch("units", queryset=Unit.objects.select_related("kind")),
        Prefetch("photos", queryset=SitePhoto.objects.order_by("position", "pk")),
    )


def public_sites(*, prefetch: bool = True) -> QuerySet[Site]:
    """Sites in the public catalogue, map and open data, in a stable order. Without
    `prefetch`, only the joined facts come along: for a list that shows no units, photos or
    activities, without building the prefetches only to drop them."""
    sites = Site.objects.filter(state__in=VISIBLE_STATES, publication=Publication.PUBLIC)
    sites = _with_related(sites) if prefetch else sites.select_related(*JOINED)
    return sites.order_by("reference")


def sites_of_organisation(organisation_id: int | None) -> QuerySet[Site]:
    """An owner's sites, with their editor's progress (a draft's card shows it): the ones still
    in play first, the released, withdrawn and closed ones after them, each latest first."""
    sites = Site.objects.filter(owner_id=organisation_id).select_related("step_progress")
    finished = Case(When(state__in=FINAL_STATES, then=Value(1)), default=Value(0))
    return _with_related(sites).order_by(finished, "-updated_at", "-pk")


def can_manage(user: User, site: Site) -> bool:
    """The owner's current members and the desk manage a site's content and files."""
    if has_desk_powers(user):
        return True
    return site.owner_id in current_organisation_ids(user)


def can_view(user: User, site: Site) -> bool:
    """Public sites for everyone; everything else only for the owner and the desk."""
    if site.state in VISIBLE_STATES and site.publication == Publication.PUBLIC:
        return True
    return can_manage(user, site)
