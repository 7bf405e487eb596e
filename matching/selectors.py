"""Reusable querysets for matching.

The hard filters' database prefilters (`matching.filters`: each filter's condition on `Site`
rows for one application, on `Application` rows for one site) select the candidates; the
engine (`matching.scoring`) then checks and scores them in Python. A prefilter may let through
what the engine refuses, never the reverse, so it never decides alone. Turning rows into the
engine's data is `matching.market`'s work.
"""

import datetime

from django.db.models import QuerySet

from loket.accounts.models import User
from loket.organisations.selectors import current_organisation_ids
from projects.enums import ApplicationState
from projects.models import Application
from properties.enums import OFFERED_STATES
from properties.models import Site

from . import market
from .filters import Offer, Wish, application_conditions, site_conditions
from .models import Match

# Applications the desk matches: qualified and searching. Matched ones are already placed.
MATCHABLE_STATES = (ApplicationState.QUALIFIED, ApplicationState.SEARCHING)


# ---------------------------------------------------------------------------------------------
# Candidates: the hard filters in the database


def candidate_sites(application: Application, *, today: datetime.date) -> QuerySet[Site]:
    """Offered sites that may pass the application's hard filters (a superset). The
    application comes from `market.applications_for_scoring`."""
    return candidate_sites_for(market.wish(application, today))


def candidate_sites_for(wish: Wish) -> QuerySet[Site]:
    """`candidate_sites` from the application's `Wish`."""
    sites = Site.objects.filter(state__in=OFFERED_STATES).filter(*site_conditions(wish))
    return sites.order_by()  # the engine ranks; an ORDER BY would only cost


def candidate_applications(site: Site) -> QuerySet[Application]:
    """Matchable applications that may pass the site's hard filters (a superset). The site
    comes from `market.sites_for_scoring`, which loaded its free units for the day."""
    return candidate_applications_for(market.offer(site))


def candidate_applications_for(offer: Offer) -> QuerySet[Application]:
    """`candidate_applications` from the site's `Offer`."""
    applications = Application.objects.filter(state__in=MATCHABLE_STATES)
    # distinct: the commune condition joins the application's communes.
    return applications.filter(*application_conditions(offer)).distinct()


# ---------------------------------------------------------------------------------------------
# Who sees which match


def _member_org_ids(user: User) -> list[int]:
    return sorted(current_organisation_ids(user))


def matches_for_owner(user: User) -> QuerySet[Match]:
    """The matches that were proposed on the user's organisations' sites."""
    return Match.objects.filter(
        site__owner_id__in=_member_org_ids(user), proposed_to_owner_at__isnull=False
    )


def matches_for_holder(user: User) -> QuerySet[Match]:
    """The matches that were proposed to the user's organisations' applications."""
    return Match.objects.filter(
        application__organisation_id__in=_member_org_ids(user),
        proposed_to_holder_at__isnull=False,
    )
