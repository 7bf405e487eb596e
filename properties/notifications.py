"""The messages a site's changes send, through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.notifications import kinds
from loket.notifications.services import notify_all

from .enums import SiteState
from .models import Site, SiteTransition

S = SiteState


def _owners(site: Site) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=site.owner_id, is_active=True)
        .order_by("pk")
        .distinct()
    )


def notify_transition(transition: SiteTransition) -> int:
    """Write the outbox rows for one change of a site, inside its transaction: submitted (the
    owner's receipt, and the desk's review queue) and published (the owner)."""
    site = transition.site
    sent = []
    if transition.to_state == S.SUBMITTED:
        sent += [(u, "site_submitted") for u in _owners(site)]
        caseworkers = User.objects.filter(role=Role.CASEWORKER, is_active=True).order_by("pk")
        sent += [(u, "site_to_review") for u in caseworkers]
    elif transition.to_state == S.PUBLISHED and transition.from_state != S.PUBLISHED:
        sent += [(u, "site_published") for u in _owners(site)]
    sent = [
        (user, kind)
        for user, kind in sent
        # A caseworker who submits for an owner need not be told.
        if not (kind == "site_to_review" and user == transition.actor)
    ]
    return notify_all(
        sent, context={"transition": transition.pk}, key=f"site-transition:{transition.pk}"
    )


def _load(context: dict) -> dict | None:
    transition = SiteTransition.objects.select_related("site__owner").filter(
        pk=context["transition"]
    )
    transition = transition.first()
    if transition is None:
        return None
    site = transition.site
    return {
        "site": site,
        "owner_link": settings.PORTAL_URL + reverse("properties:owner_site", args=[site.pk]),
        "desk_link": settings.PORTAL_URL + reverse("admin:properties_site_change", args=[site.pk]),
    }


def register_kinds() -> None:
    for code, label, service in (
        ("site_submitted", _("Your site is received"), True),
        ("site_to_review", _("A new site for the desk to review"), False),
        ("site_published", _("Your site is published"), True),
    ):
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                template=f"properties/email/{code}",
                load=_load,
                service=service,
            )
        )
