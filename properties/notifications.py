"""The messages a site's changes send, through the outbox, and the reminder that its
availability ends."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.notifications import kinds
from loket.notifications.services import notify_all
from loket.organisations.selectors import members_of

from .enums import OFFERED_STATES, SiteState
from .models import Site, SiteTransition

S = SiteState
# The owner hears this many days ahead that the site, or some of its units, stop being offered.
AVAILABILITY_WARNING_DAYS = 30


def notify_transition(transition: SiteTransition) -> int:
    """Write the outbox rows for one change of a site, inside its transaction: submitted (the
    owner's receipt, and the desk's review queue) and published (the owner)."""
    site = transition.site
    sent = []
    if transition.to_state == S.SUBMITTED:
        sent += [(u, "site_submitted") for u in members_of(site.owner_id)]
        caseworkers = User.objects.filter(role=Role.CASEWORKER, is_active=True).order_by("pk")
        sent += [(u, "site_to_review") for u in caseworkers]
    elif transition.to_state == S.PUBLISHED and transition.from_state != S.PUBLISHED:
        sent += [(u, "site_published") for u in members_of(site.owner_id)]
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


def _ending_dates(site: Site, today: datetime.date, horizon: datetime.date) -> set:
    """The ends of availability of the site and of its units (those that give their own)
    that fall between `today` and `horizon`, both included."""
    dates = {site.available_until} | {unit.available_until for unit in site.units.all()}
    return {d for d in dates if d is not None and today <= d <= horizon}


def notify_availability_ending(*, today: datetime.date | None = None) -> int:
    """Run daily by beat: tell the owner's members that an offered site's availability, or a
    unit's, ends within 30 days. Once per site and end date (the key holds both), so the next
    days' runs send nothing twice, and a later end set by the owner is told again in its turn.
    Returns how many messages the events address."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=AVAILABILITY_WARNING_DAYS)
    window = Q(available_until__range=(today, horizon)) | Q(
        units__available_until__range=(today, horizon)
    )
    sites = (
        Site.objects.filter(window, state__in=OFFERED_STATES)
        .distinct()
        .prefetch_related("units")
        .order_by("pk")
    )
    written = 0
    for site in sites:
        owners = members_of(site.owner_id)
        for ends_on in sorted(_ending_dates(site, today, horizon)):
            with transaction.atomic():
                written += notify_all(
                    [(user, "site_availability_ending") for user in owners],
                    context={"site": site.pk, "ends_on": ends_on.isoformat()},
                    key=f"site-availability-ending:{site.pk}:{ends_on.isoformat()}",
                )
    return written


def _load_availability(context: dict) -> dict | None:
    """None (the message is dropped) when the site is no longer offered or nothing on it
    ends on that date any more: the owner extended it meanwhile."""
    site = (
        Site.objects.filter(pk=context["site"], state__in=OFFERED_STATES)
        .prefetch_related("units")
        .first()
    )
    if site is None:
        return None
    ends_on = datetime.date.fromisoformat(context["ends_on"])
    whole_site = site.available_until == ends_on
    units = [unit for unit in site.units.all() if unit.available_until == ends_on]
    if not whole_site and not units:
        return None
    return {
        "site": site,
        "ends_on": ends_on,
        "whole_site": whole_site,
        # When the whole site ends that day its units go with it: no list needed.
        "units": [] if whole_site else units,
        "owner_link": settings.PORTAL_URL + reverse("properties:owner_site", args=[site.pk]),
    }


def register_kinds() -> None:
    for code, label, service, roles in (
        ("site_submitted", _("Your site is received"), True, ("owner",)),
        ("site_to_review", _("A new site for the desk to review"), False, ("caseworker",)),
        ("site_published", _("Your site is published"), True, ("owner",)),
    ):
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                template=f"properties/email/{code}",
                load=_load,
                service=service,
                roles=roles,
            )
        )
    kinds.register(
        kinds.Kind(
            code="site_availability_ending",
            label=_("Your site's availability ends in 30 days"),
            template="properties/email/availability_ending",
            load=_load_availability,
            service=False,
            roles=("owner",),
        )
    )
