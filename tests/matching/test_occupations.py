"""Signing creates the occupation; its states move the site and the application along."""

import datetime

import pytest
from django.utils import timezone

from loket.reference.models import PlanningRegime
from matching.domain import (
    OccupationError,
    UnitsTaken,
    match_create,
    match_sign,
    occupation_end,
    occupation_extend,
    occupation_transition,
    occupations_mark_ending,
    planning_warning,
)
from matching.enums import MatchState
from matching.models import InsuranceCertificate, Occupation, OccupationTransition, OccupationUnit
from projects.models import Application
from properties.models import Site

from ..factories import ApplicationFactory, caseworker
from .helpers import fitting_pair, walk

pytestmark = pytest.mark.django_db
M = MatchState
TODAY = timezone.localdate()


@pytest.fixture
def desk():
    return caseworker()


@pytest.fixture
def orgs(holder, owner):
    return holder.memberships.get().organisation, owner.memberships.get().organisation


def drafted(orgs, desk, owner, holder, **site_fields):
    application, site = fitting_pair(holder_org=orgs[0], owner_org=orgs[1], **site_fields)
    match = match_create(application=application, site=site, actor=desk)
    return walk(match, M.DRAFTING, desk=desk, owner=owner, holder=holder)


def test_signing_creates_a_preparing_occupation_and_moves_site_and_application(
    orgs, desk, owner, holder
):
    match = drafted(orgs, desk, owner, holder)
    start = TODAY + datetime.timedelta(days=90)

    occupation = match_sign(
        match=match, actor=desk, starts_on=start, ends_on=start + datetime.timedelta(days=730)
    )

    assert occupation.state == "preparing"
    assert occupation.match.state == M.SIGNED
    assert list(occupation.occupants.all()) == [orgs[0]]
    assert list(OccupationUnit.objects.values_list("unit__surface_m2", "starts_on")) == [
        (120, start)
    ]
    # One of two units promised: the site is partly occupied.
    assert Site.objects.get(pk=match.site_id).state == "partly_occupied"
    assert Application.objects.get(pk=match.application_id).state == "matched"
    assert list(OccupationTransition.objects.values_list("from_state", "to_state")) == [
        ("", "preparing")
    ]


def test_whole_site_taken_is_fully_occupied(orgs, desk, owner, holder):
    match = drafted(orgs, desk, owner, holder, units=(150,))
    match_sign(match=match, actor=desk, starts_on=TODAY + datetime.timedelta(days=30))
    assert Site.objects.get(pk=match.site_id).state == "fully_occupied"


def test_unit_cannot_be_promised_twice_for_overlapping_dates(orgs, desk, owner, holder):
    first = drafted(orgs, desk, owner, holder, units=(150,))
    start = TODAY + datetime.timedelta(days=30)
    match_sign(
        match=first, actor=desk, starts_on=start, ends_on=start + datetime.timedelta(days=365)
    )
    second_application = ApplicationFactory(organisation=orgs[0], complete=True, state="qualified")
    # The desk can still match the occupied site's unit later (after the first agreement).
    Site.objects.filter(pk=first.site_id).update(state="published")
    site = Site.objects.get(pk=first.site_id)
    second = match_create(application=second_application, site=site, actor=desk)
    second.units.set(first.units.all())
    second = walk(second, M.DRAFTING, desk=desk, owner=owner, holder=holder)

    with pytest.raises(UnitsTaken) as error:
        match_sign(match=second, actor=desk, starts_on=start + datetime.timedelta(days=200))

    assert error.value.names == [first.units.get().name]
    assert second.__class__.objects.get(pk=second.pk).state == M.DRAFTING
    assert Occupation.objects.count() == 1
    # After the first agreement ends, the same unit can be promised again.
    later = start + datetime.timedelta(days=366)
    occupation = match_sign(match=second, actor=desk, starts_on=later)
    assert occupation.bookings.get().starts_on == later


def test_running_needs_the_insurance_when_open_to_the_public(orgs, desk, owner, holder):
    match = drafted(orgs, desk, owner, holder, open_to_public=True)
    occupation = match_sign(match=match, actor=desk, starts_on=TODAY)

    with pytest.raises(OccupationError) as error:
        occupation_transition(occupation=occupation, to_state="running", actor=desk)
    assert str(error.value.message) == (
        "Open to the public: add a valid public-liability and fire insurance first."
    )
    InsuranceCertificate.objects.create(
        occupation=occupation,
        kind="liability_fire",
        insurer="Ethias",
        expires_on=TODAY + datetime.timedelta(days=365),
    )

    occupation = occupation_transition(occupation=occupation, to_state="running", actor=desk)

    assert Occupation.objects.get(pk=occupation.pk).state == "running"
    assert Application.objects.get(pk=match.application_id).state == "occupying"


def test_ending_then_ended_closes_the_application_and_frees_the_units(orgs, desk, owner, holder):
    match = drafted(orgs, desk, owner, holder)
    start = TODAY - datetime.timedelta(days=300)
    occupation = match_sign(
        match=match, actor=desk, starts_on=start, ends_on=TODAY + datetime.timedelta(days=45)
    )
    occupation = occupation_transition(occupation=occupation, to_state="running", actor=desk)

    assert occupations_mark_ending() == 1
    assert occupations_mark_ending() == 0  # idempotent
    occupation.refresh_from_db()
    assert occupation.state == "ending"

    occupation_end(
        occupation=occupation,
        actor=desk,
        ended_on=TODAY,
        final_report="Good neighbours.",
        stays_in_future_project=False,
    )

    occupation.refresh_from_db()
    assert (occupation.state, occupation.ended_on, occupation.final_report) == (
        "ended",
        TODAY,
        "Good neighbours.",
    )
    application = Application.objects.get(pk=match.application_id)
    assert (application.state, application.closed_reason) == ("closed", "occupation_ended")
    assert occupation.bookings.get().ends_on == TODAY
    assert Site.objects.get(pk=match.site_id).state == "published"


def test_extension_keeps_the_units_and_runs_again(orgs, desk, owner, holder):
    match = drafted(orgs, desk, owner, holder)
    occupation = match_sign(
        match=match,
        actor=desk,
        starts_on=TODAY - datetime.timedelta(days=300),
        ends_on=TODAY + datetime.timedelta(days=20),
    )
    occupation_transition(occupation=occupation, to_state="running", actor=desk)
    occupations_mark_ending()
    occupation.refresh_from_db()
    new_end = TODAY + datetime.timedelta(days=400)

    occupation = occupation_extend(occupation=occupation, actor=desk, ends_on=new_end)

    saved = Occupation.objects.get(pk=occupation.pk)
    assert (saved.state, saved.ends_on, saved.extension_decision) == (
        "running",
        new_end,
        "extended",
    )
    assert saved.bookings.get().ends_on == new_end


def test_planning_warning_within_60_days_of_the_start(orgs, desk, owner, holder):
    match = drafted(orgs, desk, owner, holder)
    regime = PlanningRegime.objects.get(code="exempt_3_years")
    occupation = match_sign(
        match=match,
        actor=desk,
        starts_on=TODAY + datetime.timedelta(days=50),
        planning_regime=regime,
    )

    warning = planning_warning(occupation)

    due = occupation.starts_on - datetime.timedelta(days=60)
    assert warning is not None
    assert due.strftime("%d") in warning  # the due date is named
    assert planning_warning(occupation, today=TODAY - datetime.timedelta(days=30)) is None
    occupation.planning_notified_on = due  # sent in time; a later date warns (issue 12)
    assert planning_warning(occupation) is None


def test_called_off_before_the_start_puts_the_application_back_to_searching(
    orgs, desk, owner, holder
):
    match = drafted(orgs, desk, owner, holder)
    occupation = match_sign(match=match, actor=desk, starts_on=TODAY + datetime.timedelta(days=30))

    occupation_end(occupation=occupation, actor=desk, ended_on=TODAY)

    assert Occupation.objects.get(pk=occupation.pk).state == "ended"
    assert OccupationUnit.objects.count() == 0
    assert Application.objects.get(pk=match.application_id).state == "searching"
    assert Site.objects.get(pk=match.site_id).state == "published"
