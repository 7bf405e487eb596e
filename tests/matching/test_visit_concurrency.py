"""Races on visit slots, on PostgreSQL: many confirmations of one match at the same moment end
with one planned visit, and everyone else is told someone was faster; no deadlock, no 500."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from matching.domain import VisitSlotTaken, match_create, visit_slot_confirm, visit_slot_propose
from matching.enums import MatchState, VisitState
from matching.models import Match, MatchTransition, VisitSlot

from ..conftest import login_client
from ..factories import OrganisationFactory, caseworker, member_of
from ..races import needs_postgres, race
from .helpers import fitting_pair, walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]
M = MatchState
CONFIRMATIONS = 6


@pytest.fixture
def accepted():
    """A match the holder accepted, with three visit times offered, and the people on it."""
    holder_org, owner_org = OrganisationFactory(), OrganisationFactory()
    desk, owner, holder = caseworker(), member_of(owner_org), member_of(holder_org)
    application, site = fitting_pair(holder_org=holder_org, owner_org=owner_org)
    match = walk(
        match_create(application=application, site=site, actor=desk),
        M.HOLDER_ACCEPTED,
        desk=desk,
        owner=owner,
        holder=holder,
    )
    start = timezone.now() + datetime.timedelta(days=3)
    slots = [
        visit_slot_propose(
            match=match,
            actor=owner,
            starts_at=start + datetime.timedelta(days=day),
            ends_at=start + datetime.timedelta(days=day, hours=1),
        )
        for day in range(3)
    ]
    return {"match": match, "slots": slots, "desk": desk, "holder": holder}


def confirm(slot_pk, actor):
    # Each thread loads the slot itself, as each request would.
    return lambda: visit_slot_confirm(slot=VisitSlot.objects.get(pk=slot_pk), actor=actor)


def assert_one_visit_planned(match, outcomes):
    winners = [o for o in outcomes if isinstance(o, VisitSlot)]
    losers = [o for o in outcomes if isinstance(o, VisitSlotTaken)]
    assert (len(winners), len(losers)) == (1, len(outcomes) - 1), outcomes
    assert Match.objects.get(pk=match.pk).state == M.VISIT_PLANNED
    assert MatchTransition.objects.filter(match=match, to_state=M.VISIT_PLANNED).count() == 1
    states = sorted(VisitSlot.objects.filter(match=match).values_list("state", flat=True))
    assert states == [VisitState.CANCELLED, VisitState.CANCELLED, VisitState.CONFIRMED]
    assert VisitSlot.objects.get(state=VisitState.CONFIRMED).pk == winners[0].pk


def test_parallel_confirmations_of_one_slot_plan_one_visit(accepted):
    needs_postgres()
    slot = accepted["slots"][0]
    people = [accepted["holder"], accepted["desk"]]

    outcomes = race(*(confirm(slot.pk, people[i % 2]) for i in range(CONFIRMATIONS)))

    assert_one_visit_planned(accepted["match"], outcomes)
    assert winners_slot(outcomes) == slot.pk


def winners_slot(outcomes):
    return next(o.pk for o in outcomes if isinstance(o, VisitSlot))


def test_parallel_confirmations_of_different_slots_plan_one_visit(accepted):
    """Each confirmation locks its own slot and then the others: without one lock order, two
    of them wait for each other and PostgreSQL kills one with a deadlock error."""
    needs_postgres()
    slots = accepted["slots"]
    people = [accepted["holder"], accepted["desk"]]

    outcomes = race(
        *(confirm(slots[i % len(slots)].pk, people[i % 2]) for i in range(CONFIRMATIONS))
    )

    assert_one_visit_planned(accepted["match"], outcomes)


def page_messages(response) -> list[str]:
    """The messages shown on the page. Read from the HTML, not `response.context`: the test
    client collects contexts through a global signal, which threads share."""
    return [
        html.unescape(text)
        for text in re.findall(r'<p class="message [^"]*">(.*?)</p>', response.content.decode())
    ]


def test_holder_confirming_two_times_in_two_tabs_is_told_the_other_won(accepted):
    needs_postgres()
    match, slots = accepted["match"], accepted["slots"]

    def post(slot):
        client = login_client(accepted["holder"])  # two tabs, one person
        with translation.override("en"):
            url = reverse("matching:proposal_slot_confirm", args=[match.pk, slot.pk])
        return lambda: client.post(url, follow=True)

    outcomes = race(post(slots[0]), post(slots[1]))

    assert [response.status_code for response in outcomes] == [200, 200]
    assert sorted(text for response in outcomes for text in page_messages(response)) == [
        "Someone else was faster: a visit time for this match was confirmed a moment ago. "
        "Reload to see which one.",
        "The visit is planned. Everyone has been told.",
    ]
    assert MatchTransition.objects.filter(match=match, to_state=M.VISIT_PLANNED).count() == 1
