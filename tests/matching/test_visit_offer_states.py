"""Visit times are offered in the same match states everywhere: the domain accepts them, the
owner's proposal page shows the form, and the admin's match page has a row to fill in."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from matching.domain import MatchError, visit_slot_propose
from matching.enums import MatchState
from matching.models import Match

from .helpers import fitting_pair, new_match, walk

pytestmark = pytest.mark.django_db
M = MatchState


def domain_accepts(match, owner) -> bool:
    start = timezone.now() + datetime.timedelta(days=3)
    try:
        with transaction.atomic():
            visit_slot_propose(
                match=match,
                actor=owner,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
            )
            transaction.set_rollback(True)
    except MatchError:
        return False
    return True


def test_visit_times_are_offered_in_the_same_states_in_the_domain_portal_and_admin(
    owner, holder, caseworker_user, owner_client, caseworker_client
):
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = walk(
        new_match(application, site, caseworker_user),
        M.HOLDER_ACCEPTED,
        desk=caseworker_user,
        owner=owner,
        holder=holder,
    )
    offered = {"domain": [], "portal": [], "admin": []}

    for state in M:
        Match.objects.filter(pk=match.pk).update(state=state)  # each state, however reached
        match.refresh_from_db()
        portal = owner_client.get(f"/en/my/proposals/{match.pk}/").content.decode()
        admin = caseworker_client.get(f"/admin/matching/match/{match.pk}/change/").content.decode()
        for place, shown in (
            ("domain", domain_accepts(match, owner)),
            ("portal", 'id="offer-slot-title"' in portal),
            ("admin", 'name="visit_slots-0-place"' in admin),
        ):
            if shown:
                offered[place].append(state)

    expected = [M.OWNER_ACCEPTED, M.PROPOSED_HOLDER, M.HOLDER_ACCEPTED]
    assert offered == {"domain": expected, "portal": expected, "admin": expected}
