"""Visit slots change state through the shared transition helper: each offer, confirmation and
cancellation leaves a history row, with who did it and for which side."""

import datetime

import pytest
from django.utils import timezone

from matching.domain import (
    MatchError,
    VisitSlotTaken,
    match_create,
    visit_slot_confirm,
    visit_slot_propose,
)
from matching.enums import MatchState
from matching.models import VisitSlot, VisitSlotTransition

from ..factories import caseworker
from .helpers import fitting_pair, walk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
M = MatchState


@pytest.fixture
def accepted(holder, owner):
    """A match the holder accepted, and the people on it."""
    desk = caseworker()
    application, site = fitting_pair(
        holder_org=holder.active_organisation, owner_org=owner.active_organisation
    )
    match = walk(
        match_create(application=application, site=site, actor=desk),
        M.HOLDER_ACCEPTED,
        desk=desk,
        owner=owner,
        holder=holder,
    )
    return {"match": match, "desk": desk, "owner": owner, "holder": holder}


def offer(match, actor, day):
    start = timezone.now() + datetime.timedelta(days=day)
    return visit_slot_propose(
        match=match, actor=actor, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )


def rows():
    return list(
        VisitSlotTransition.objects.order_by("pk").values_list(
            "slot", "actor", "side", "from_state", "to_state", "data"
        )
    )


def test_offer_confirmation_and_cancellation_are_recorded(accepted):
    match, owner, desk, holder = (accepted[k] for k in ("match", "owner", "desk", "holder"))
    first, second = offer(match, owner, 3), offer(match, desk, 4)

    visit_slot_confirm(slot=second, actor=holder)

    assert rows() == [
        (first.pk, owner.pk, "owner", "", "proposed", {}),
        (second.pk, desk.pk, "desk", "", "proposed", {}),
        (second.pk, holder.pk, "holder", "proposed", "confirmed", {}),
        (first.pk, holder.pk, "holder", "proposed", "cancelled", {"confirmed_slot": second.pk}),
    ]
    assert sorted(VisitSlot.objects.values_list("pk", "state")) == [
        (first.pk, "cancelled"),
        (second.pk, "confirmed"),
    ]


def test_a_refused_offer_leaves_no_slot_and_no_history(accepted):
    with pytest.raises(MatchError):
        offer(accepted["match"], accepted["holder"], 3)

    assert (VisitSlot.objects.count(), VisitSlotTransition.objects.count()) == (0, 0)


def test_confirming_a_slot_cancelled_meanwhile_is_taken_and_records_nothing(accepted):
    match, holder = accepted["match"], accepted["holder"]
    first, second = offer(match, accepted["owner"], 3), offer(match, accepted["owner"], 4)
    stale = VisitSlot.objects.get(pk=first.pk)
    visit_slot_confirm(slot=second, actor=holder)
    recorded = rows()

    with pytest.raises(VisitSlotTaken):
        visit_slot_confirm(slot=stale, actor=accepted["desk"])

    assert rows() == recorded
