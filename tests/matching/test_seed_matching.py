"""The demo matches: every state, real histories, occupations by state, and a second seed adds
nothing."""

import datetime
import itertools
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from loket.accounts.models import User
from matching.demo import APPLICATION_PREFIX, SCENARIOS, demo_matches
from matching.domain import planning_warning, rank_sites
from matching.domain.matches import ALLOWED
from matching.enums import ENDING_WITHIN_DAYS, MatchState, OccupationState
from matching.models import Match, MatchTransition, Occupation, OccupationTransition, VisitSlot
from matching.selectors import matches_for_holder, matches_for_owner
from projects.demo import CONSORTIUM_MARKER
from projects.enums import ApplicationState
from projects.models import Application
from properties.models import Site

pytestmark = pytest.mark.django_db
M = MatchState
OS = OccupationState


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_makes_a_match_in_every_state_with_a_real_history():
    out = seed()
    matches = list(demo_matches().prefetch_related("transitions"))

    assert {m.state for m in matches} == set(MatchState)
    assert len(matches) == len(SCENARIOS)
    assert f"{len(matches)} demo matches and 4 occupations are ready." in out
    for match in matches:
        steps = [(t.from_state, t.to_state) for t in match.transitions.all()]
        assert steps[0] == ("", M.SUGGESTED)
        # Each step starts where the last one ended, is a move the domain allows, and the
        # last one ends in the match's state.
        for (_frm, to), (next_from, next_to) in itertools.pairwise(steps):
            assert next_from == to
            assert (next_from, next_to) in ALLOWED
        assert steps[-1][1] == match.state
        # Picked from the engine's ranking: a real score and its explanation.
        assert match.score is not None and match.explanation


def test_declines_and_the_planned_visit_carry_their_details():
    seed()
    for state in (M.OWNER_DECLINED, M.HOLDER_DECLINED, M.WITHDRAWN):
        match = demo_matches().get(state=state)
        assert match.decline_reason is not None and match.ended_by
    planned = demo_matches().get(state=M.VISIT_PLANNED)
    slot = VisitSlot.objects.get(match=planned, state="confirmed")
    assert slot.starts_at > timezone.now()


def test_seed_demo_makes_occupations_by_state_relative_to_today():
    seed()
    today = timezone.localdate()
    occupations = Occupation.objects.filter(
        match__application__references_text__startswith=APPLICATION_PREFIX
    )

    assert Counter(occupations.values_list("state", flat=True)) == {
        OS.RUNNING: 2,
        OS.ENDING: 1,
        OS.PREPARING: 1,
    }
    for occupation in occupations.filter(state__in=(OS.RUNNING, OS.ENDING)):
        assert occupation.starts_on < today
        assert occupation.application.state == ApplicationState.OCCUPYING
        assert [t.to_state for t in occupation.transitions.all()][:2] == [OS.PREPARING, OS.RUNNING]
    ending = occupations.get(state=OS.ENDING)
    assert today <= ending.ends_on <= today + datetime.timedelta(days=ENDING_WITHIN_DAYS)
    for running in occupations.filter(state=OS.RUNNING):
        assert running.ends_on > today + datetime.timedelta(days=ENDING_WITHIN_DAYS)
    preparing = occupations.get(state=OS.PREPARING)
    assert today < preparing.starts_on <= today + datetime.timedelta(days=60)
    assert planning_warning(preparing) is not None
    # Open to the public: started only with its insurance.
    for occupation in occupations.filter(state=OS.RUNNING, site__open_to_public=True):
        assert occupation.insurance_certificates.filter(kind="liability_fire").exists()
    assert occupations.filter(
        steering_meetings__isnull=False, incidents__isnull=False, indicators__isnull=False
    ).exists()


def test_demo_owner_and_holder_each_have_a_proposal_to_answer():
    seed()
    owner = User.objects.get(email="owner@demo.loket.brussels")
    holder = User.objects.get(email="holder@demo.loket.brussels")

    waiting_owner = matches_for_owner(owner).filter(state=M.PROPOSED_OWNER)
    assert waiting_owner.filter(site__owner__name="Immo Zenne NV").exists()
    waiting_holder = matches_for_holder(holder).filter(state=M.PROPOSED_HOLDER)
    assert waiting_holder.filter(application__organisation__name="Collectif Canal Créatif").exists()


def test_the_consortium_keeps_demo_001_free():
    seed()
    consortium = Application.objects.get(references_text__startswith=CONSORTIUM_MARKER)
    assert not Match.objects.filter(site__internal_reference="DEMO-001", state=M.SIGNED).exists()
    top = rank_sites(consortium)[0]
    assert Site.objects.get(pk=top.site_id).internal_reference == "DEMO-001"


def test_a_second_seed_adds_no_match_nor_occupation():
    seed()
    counts = (
        Match.objects.count(),
        MatchTransition.objects.count(),
        Occupation.objects.count(),
        OccupationTransition.objects.count(),
        VisitSlot.objects.count(),
        Application.objects.count(),
    )
    seed()
    assert (
        Match.objects.count(),
        MatchTransition.objects.count(),
        Occupation.objects.count(),
        OccupationTransition.objects.count(),
        VisitSlot.objects.count(),
        Application.objects.count(),
    ) == counts
