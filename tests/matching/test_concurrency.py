"""Races on PostgreSQL: two caseworkers on one match, two agreements on one unit, and the
exclusion constraint underneath."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from matching.domain import MatchConflict, UnitsTaken, match_create, match_sign, match_transition
from matching.enums import MatchState
from matching.models import Match, MatchTransition, Occupation, OccupationUnit
from projects.models import Application, ApplicationTransition
from properties.models import Site

from ..ci import require
from ..factories import (
    ApplicationFactory,
    OrganisationFactory,
    SiteFactory,
    caseworker,
    member_of,
)
from ..races import race
from .helpers import fitting_pair, walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]
M = MatchState


def needs_postgres():
    require(
        connection.vendor == "postgresql",
        "The race tests need PostgreSQL: its row locks and exclusion constraint are under test.",
    )


@pytest.fixture
def people():
    holder_org, owner_org = OrganisationFactory(), OrganisationFactory()
    return {
        "holder_org": holder_org,
        "owner_org": owner_org,
        "holder": member_of(holder_org),
        "owner": member_of(owner_org),
        "sofie": caseworker(),
        "jan": caseworker(),
    }


def test_two_caseworkers_proposing_at_once_one_wins(people):
    needs_postgres()
    application, site = fitting_pair(holder_org=people["holder_org"], owner_org=people["owner_org"])
    match = match_create(
        application=application, site=site, actor=people["sofie"], to_state=M.SHORTLISTED
    )

    def propose(actor):
        # Each caseworker has the shortlisted match on their page before either clicks: loaded
        # in a thread, a slow start could read the other's committed move instead.
        shown = _loaded(match.pk)
        return lambda: match_transition(match=shown, to_state=M.PROPOSED_OWNER, actor=actor)

    outcomes = race(propose(people["sofie"]), propose(people["jan"]))

    winners = [o for o in outcomes if isinstance(o, Match)]
    losers = [o for o in outcomes if isinstance(o, MatchConflict)]
    assert (len(winners), len(losers)) == (1, 1)
    assert Match.objects.get(pk=match.pk).state == M.PROPOSED_OWNER
    assert MatchTransition.objects.filter(match=match, to_state=M.PROPOSED_OWNER).count() == 1


def _loaded(pk):
    return Match.objects.select_related("site", "application").get(pk=pk)


def test_two_agreements_on_one_unit_signed_at_once_one_wins(people):
    needs_postgres()
    application, site = fitting_pair(
        holder_org=people["holder_org"], owner_org=people["owner_org"], units=(150,)
    )
    second_application = ApplicationFactory(
        organisation=people["holder_org"], complete=True, state="qualified"
    )
    desk, owner, holder = people["sofie"], people["owner"], people["holder"]
    first = walk(
        match_create(application=application, site=site, actor=desk),
        M.DRAFTING,
        desk=desk,
        owner=owner,
        holder=holder,
    )
    second = walk(
        match_create(application=second_application, site=Site.objects.get(pk=site.pk), actor=desk),
        M.DRAFTING,
        desk=desk,
        owner=owner,
        holder=holder,
    )
    assert list(first.units.all()) == list(second.units.all())
    start = timezone.localdate() + datetime.timedelta(days=30)

    def sign(match):
        return lambda: match_sign(match=_loaded(match.pk), actor=desk, starts_on=start)

    outcomes = race(sign(first), sign(second))

    assert sorted(type(o).__name__ for o in outcomes) == ["Occupation", "UnitsTaken"]
    assert Occupation.objects.count() == 1
    assert OccupationUnit.objects.count() == 1
    states = sorted(
        Match.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    )
    assert states == ["drafting", "signed"]


def test_exclusion_constraint_refuses_overlap_written_directly(people):
    needs_postgres()
    application, site = fitting_pair(
        holder_org=people["holder_org"], owner_org=people["owner_org"], units=(150,)
    )
    desk = people["sofie"]
    match = walk(
        match_create(application=application, site=site, actor=desk),
        M.DRAFTING,
        desk=desk,
        owner=people["owner"],
        holder=people["holder"],
    )
    today = timezone.localdate()
    occupation = match_sign(
        match=match, actor=desk, starts_on=today, ends_on=today + datetime.timedelta(days=100)
    )
    unit = match.units.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        OccupationUnit.objects.create(
            occupation=occupation, unit=unit, starts_on=today + datetime.timedelta(days=100)
        )
    # The day after the end is free.
    other = OccupationUnit(
        occupation=occupation, unit=unit, starts_on=today + datetime.timedelta(days=101)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()  # the same occupation and unit twice: refused by the unique constraint
    assert OccupationUnit.objects.count() == 1


def test_units_taken_is_raised_not_integrity_error(people):
    """Sequential, on any database: the domain check names the unit before the constraint."""
    application, site = fitting_pair(
        holder_org=people["holder_org"], owner_org=people["owner_org"], units=(150,)
    )
    desk = people["sofie"]
    first = walk(
        match_create(application=application, site=site, actor=desk),
        M.DRAFTING,
        desk=desk,
        owner=people["owner"],
        holder=people["holder"],
    )
    match_sign(match=first, actor=desk, starts_on=timezone.localdate())
    Site.objects.filter(pk=site.pk).update(state="published")
    other = ApplicationFactory(organisation=people["holder_org"], complete=True, state="qualified")
    second = match_create(application=other, site=Site.objects.get(pk=site.pk), actor=desk)
    # The engine offers no free unit any more; the desk names the taken one by hand.
    second.units.set(first.units.all())
    second = walk(
        second,
        M.DRAFTING,
        desk=desk,
        owner=people["owner"],
        holder=people["holder"],
    )
    with pytest.raises(UnitsTaken):
        match_sign(
            match=second, actor=desk, starts_on=timezone.localdate() + datetime.timedelta(days=10)
        )


def test_two_matches_for_one_application_made_at_once_both_stand(people):
    """The first match moves the application from qualified to searching; made at the same
    moment, the second found it qualified too and used to fail on that move."""
    needs_postgres()
    application, site = fitting_pair(holder_org=people["holder_org"], owner_org=people["owner_org"])
    other_site = SiteFactory(owner=people["owner_org"], units=[150], available_until=None)

    def make(desk, site):
        return lambda: match_create(
            application=Application.objects.get(pk=application.pk),
            site=Site.objects.get(pk=site.pk),
            actor=desk,
            to_state=M.SHORTLISTED,
        )

    outcomes = race(make(people["sofie"], site), make(people["jan"], other_site))

    assert [type(o).__name__ for o in outcomes] == ["Match", "Match"]
    assert Application.objects.get(pk=application.pk).state == "searching"
    moves = ApplicationTransition.objects.filter(application=application, to_state="searching")
    assert moves.count() == 1
    assert sorted(Match.objects.values_list("site", "state")) == sorted(
        [(site.pk, M.SHORTLISTED), (other_site.pk, M.SHORTLISTED)]
    )
