"""An extension and an end of one occupation at the same moment: the extension locks the
occupation and checks its state like every other move, so the units of an ended occupation are
never booked again. The races run on PostgreSQL; the stale-copy case runs anywhere."""

import datetime
import threading
import time

import pytest
from django.db import transaction
from django.utils import timezone

from matching.domain import (
    OccupationConflict,
    match_create,
    match_sign,
    occupation_end,
    occupation_extend,
    occupation_transition,
)
from matching.enums import MatchState, OccupationState
from matching.models import Occupation, OccupationTransition, OccupationUnit

from ..factories import OrganisationFactory, caseworker, member_of
from ..races import needs_postgres, race
from .helpers import fitting_pair, walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]
M = MatchState
OS = OccupationState
TODAY = timezone.localdate()
END = TODAY + datetime.timedelta(days=300)
LATER = END + datetime.timedelta(days=365)


@pytest.fixture
def running():
    """A running occupation of one unit, planned to end in 300 days, and two caseworkers."""
    holder_org, owner_org = OrganisationFactory(), OrganisationFactory()
    sofie, jan = caseworker(), caseworker()
    application, site = fitting_pair(holder_org=holder_org, owner_org=owner_org, units=(150,))
    match = walk(
        match_create(application=application, site=site, actor=sofie),
        M.DRAFTING,
        desk=sofie,
        owner=member_of(owner_org),
        holder=member_of(holder_org),
    )
    occupation = match_sign(
        match=match, actor=sofie, starts_on=TODAY - datetime.timedelta(days=200), ends_on=END
    )
    occupation_transition(occupation=occupation, to_state=OS.RUNNING, actor=sofie)
    return {"pk": occupation.pk, "sofie": sofie, "jan": jan}


def loaded(pk):
    return Occupation.objects.get(pk=pk)


def history(pk):
    return list(
        OccupationTransition.objects.filter(occupation_id=pk).values_list("from_state", "to_state")
    )


def test_extending_a_copy_that_was_ended_meanwhile_is_a_conflict(running):
    stale = loaded(running["pk"])
    occupation_end(occupation=loaded(running["pk"]), actor=running["sofie"], ended_on=TODAY)

    with pytest.raises(OccupationConflict):
        occupation_extend(occupation=stale, actor=running["jan"], ends_on=LATER)

    saved = loaded(running["pk"])
    assert (saved.state, saved.ends_on, saved.extension_decision) == (OS.ENDED, END, "")
    assert list(OccupationUnit.objects.values_list("ends_on", flat=True)) == [TODAY]
    assert history(running["pk"]) == [
        ("", "preparing"),
        ("preparing", "running"),
        ("running", "ended"),
    ]


def test_extension_is_a_recorded_move(running):
    occupation = occupation_extend(
        occupation=loaded(running["pk"]), actor=running["jan"], ends_on=LATER
    )

    assert (occupation.state, occupation.ends_on, occupation.extension_decision) == (
        OS.RUNNING,
        LATER,
        "extended",
    )
    row = OccupationTransition.objects.latest("pk")
    assert (row.actor, row.side, row.from_state, row.to_state, row.data) == (
        running["jan"],
        "desk",
        "running",
        "running",
        {"ends_on": LATER.isoformat(), "previous_end": END.isoformat()},
    )
    assert list(OccupationUnit.objects.values_list("ends_on", flat=True)) == [LATER]


def test_extension_waiting_behind_an_end_is_told_someone_was_faster(running):
    """The end commits first while the extension, started from the same running occupation,
    waits for it: the extension loses and books nothing (it used to rebook the units)."""
    needs_postgres()
    pk = running["pk"]
    ended = threading.Event()

    def end():
        with transaction.atomic():
            result = occupation_end(occupation=loaded(pk), actor=running["sofie"], ended_on=TODAY)
            ended.set()
            time.sleep(0.3)  # the extension arrives while the end holds its locks
        return result

    def extend():
        stale = loaded(pk)  # read before the end commits, as a page shown to Jan
        ended.wait(timeout=10)
        return occupation_extend(occupation=stale, actor=running["jan"], ends_on=LATER)

    outcomes = race(end, extend)

    assert [type(o).__name__ for o in outcomes] == ["Occupation", "OccupationConflict"]
    saved = loaded(pk)
    assert (saved.state, saved.ends_on, saved.ended_on) == (OS.ENDED, END, TODAY)
    assert list(OccupationUnit.objects.values_list("ends_on", flat=True)) == [TODAY]
    assert history(pk) == [("", "preparing"), ("preparing", "running"), ("running", "ended")]


def test_extension_and_end_at_the_same_moment_leave_no_unit_booked_past_the_end(running):
    """Whichever comes first: an end first refuses the extension; an extension first is then
    ended. Either way the occupation is ended and its unit is free from the day after."""
    needs_postgres()
    pk = running["pk"]

    outcomes = race(
        lambda: occupation_extend(occupation=loaded(pk), actor=running["jan"], ends_on=LATER),
        lambda: occupation_end(occupation=loaded(pk), actor=running["sofie"], ended_on=TODAY),
    )

    extension, end = outcomes
    assert isinstance(end, Occupation), outcomes
    assert isinstance(extension, (Occupation, OccupationConflict)), outcomes
    saved = loaded(pk)
    assert (saved.state, saved.ended_on) == (OS.ENDED, TODAY)
    assert list(OccupationUnit.objects.values_list("ends_on", flat=True)) == [TODAY]
    extended = [("running", "running")] if isinstance(extension, Occupation) else []
    assert history(pk) == [
        ("", "preparing"),
        ("preparing", "running"),
        *extended,
        ("running", "ended"),
    ]
