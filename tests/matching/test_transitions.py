"""The match workflow: one transition function, its history rows, its guards and its mails."""

import pytest
from django.core import mail

from matching.domain import (
    MatchConflict,
    MatchError,
    match_answer,
    match_create,
    match_transition,
    match_withdraw,
    visit_slot_confirm,
)
from matching.enums import MatchState, VisitState
from matching.models import Match, MatchTransition, VisitSlot
from projects.models import Application

from ..factories import caseworker
from .helpers import fitting_pair, new_match, reason, walk

pytestmark = pytest.mark.django_db
M = MatchState


@pytest.fixture
def desk():
    return caseworker(email="sofie@citydev.brussels", preferred_language="nl")


@pytest.fixture
def pair(holder, owner):
    return fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )


def history(match) -> list[tuple[str, str, str]]:
    return list(
        MatchTransition.objects.filter(match=match).values_list("side", "from_state", "to_state")
    )


def test_create_copies_the_score_and_moves_the_application_to_searching(pair, desk):
    application, site = pair

    match = match_create(application=application, site=site, actor=desk, to_state=M.SHORTLISTED)

    assert match.state == M.SHORTLISTED
    assert match.caseworker == desk
    assert 0 < match.score <= 100
    assert [line["code"] for line in match.explanation] == [
        "surface",
        "duration",
        "transport_any",
        "expectations",
        "horizon",
        "waiting",
    ]
    # 150 m² ideal: 120 + 80 = 200 is 50 away, 120 alone 30 away; the closest is chosen.
    assert list(match.units.values_list("surface_m2", flat=True)) == [120]
    assert history(match) == [("desk", "", "suggested"), ("desk", "suggested", "shortlisted")]
    assert Application.objects.get(pk=application.pk).state == "searching"


def test_same_pair_cannot_have_two_open_matches(pair, desk):
    application, site = pair
    new_match(application, site, desk)

    with pytest.raises(MatchError) as error:
        new_match(application, site, desk)

    assert (
        str(error.value.message) == "This site is already in an open match with this application."
    )
    assert Match.objects.count() == 1


def test_only_the_desk_creates_matches(pair, holder):
    application, site = pair
    with pytest.raises(MatchError):
        match_create(application=application, site=site, actor=holder)
    assert Match.objects.count() == 0


def test_main_path_records_every_step_with_its_side(pair, desk, owner, holder):
    application, site = pair
    match = new_match(application, site, desk)

    match = walk(match, M.DRAFTING, desk=desk, owner=owner, holder=holder)

    assert match.state == M.DRAFTING
    assert history(match) == [
        ("desk", "", "suggested"),
        ("desk", "suggested", "shortlisted"),
        ("desk", "shortlisted", "proposed_owner"),
        ("owner", "proposed_owner", "owner_accepted"),
        ("desk", "owner_accepted", "proposed_holder"),
        ("holder", "proposed_holder", "holder_accepted"),
        ("holder", "holder_accepted", "visit_planned"),
        ("desk", "visit_planned", "visit_done"),
        ("desk", "visit_done", "agreed"),
        ("desk", "agreed", "drafting"),
    ]
    saved = Match.objects.get(pk=match.pk)
    assert saved.proposed_to_owner_at is not None
    assert saved.proposed_to_holder_at is not None
    assert saved.holder_consented_at is not None


def test_owner_cannot_answer_for_the_holder(pair, desk, owner, holder):
    application, site = pair
    match = walk(
        new_match(application, site, desk), M.PROPOSED_HOLDER, desk=desk, owner=owner, holder=holder
    )

    with pytest.raises(MatchError):
        match_answer(match=match, actor=owner, accept=True)

    assert Match.objects.get(pk=match.pk).state == M.PROPOSED_HOLDER


def test_other_owner_cannot_answer(pair, desk, other_owner):
    application, site = pair
    match = new_match(application, site, desk, to_state=M.PROPOSED_OWNER)

    with pytest.raises(MatchError):
        match_answer(match=match, actor=other_owner, accept=True)

    assert Match.objects.get(pk=match.pk).state == M.PROPOSED_OWNER


def test_decline_needs_a_reason_and_other_needs_text(pair, desk, owner):
    application, site = pair
    match = new_match(application, site, desk, to_state=M.PROPOSED_OWNER)

    with pytest.raises(MatchError) as no_reason:
        match_answer(match=match, actor=owner, accept=False)
    with pytest.raises(MatchError) as no_text:
        match_answer(match=match, actor=owner, accept=False, decline_reason=reason("other"))
    assert str(no_reason.value.message) == "Choose a reason from the list."
    assert str(no_text.value.message) == "Explain the reason in a few words."
    assert Match.objects.get(pk=match.pk).state == M.PROPOSED_OWNER

    match = match_answer(match=match, actor=owner, accept=False, decline_reason=reason("too_small"))

    saved = Match.objects.get(pk=match.pk)
    assert (saved.state, saved.decline_reason.code, saved.ended_by) == (
        "owner_declined",
        "too_small",
        "owner",
    )
    last = MatchTransition.objects.filter(match=match).last()
    assert (last.side, last.decline_reason.code) == ("owner", "too_small")


def test_any_side_can_withdraw_with_a_reason(pair, desk, owner, holder):
    application, site = pair
    match = walk(
        new_match(application, site, desk), M.HOLDER_ACCEPTED, desk=desk, owner=owner, holder=holder
    )

    match = match_withdraw(
        match=match, actor=holder, decline_reason=reason("other"), reason="We found a place."
    )

    saved = Match.objects.get(pk=match.pk)
    assert (saved.state, saved.ended_by, saved.decline_text) == (
        "withdrawn",
        "holder",
        "We found a place.",
    )
    with pytest.raises(MatchError):
        match_withdraw(match=saved, actor=desk, decline_reason=reason("owner_choice"))


def test_stale_state_loses_with_the_conflict_message(pair, desk):
    application, site = pair
    match = new_match(application, site, desk, to_state=M.SHORTLISTED)
    stale = Match.objects.get(pk=match.pk)
    match_transition(match=match, to_state=M.PROPOSED_OWNER, actor=desk)

    with pytest.raises(MatchConflict) as error:
        match_transition(match=stale, to_state=M.PROPOSED_OWNER, actor=desk)

    assert str(error.value.message) == (
        "Someone else was faster: this match changed a moment ago. Reload to see it."
    )
    assert MatchTransition.objects.filter(match=match, to_state="proposed_owner").count() == 1


def test_confirming_a_slot_plans_the_visit_and_cancels_the_others(pair, desk, owner, holder):
    import datetime

    from django.utils import timezone

    from matching.domain import visit_slot_propose

    application, site = pair
    match = walk(
        new_match(application, site, desk), M.HOLDER_ACCEPTED, desk=desk, owner=owner, holder=holder
    )
    start = timezone.now() + datetime.timedelta(days=2)
    one = visit_slot_propose(
        match=match, actor=owner, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    two = visit_slot_propose(
        match=match,
        actor=desk,
        starts_at=start + datetime.timedelta(days=1),
        ends_at=start + datetime.timedelta(days=1, hours=1),
    )

    visit_slot_confirm(slot=two, actor=holder)

    assert Match.objects.get(pk=match.pk).state == M.VISIT_PLANNED
    assert dict(VisitSlot.objects.values_list("pk", "state")) == {
        one.pk: VisitState.CANCELLED,
        two.pk: VisitState.CONFIRMED,
    }
    with pytest.raises(MatchConflict):
        visit_slot_confirm(slot=two, actor=holder)


def test_owner_cannot_confirm_a_slot(pair, desk, owner, holder):
    import datetime

    from django.utils import timezone

    from matching.domain import visit_slot_propose

    application, site = pair
    match = walk(
        new_match(application, site, desk), M.HOLDER_ACCEPTED, desk=desk, owner=owner, holder=holder
    )
    start = timezone.now() + datetime.timedelta(days=2)
    slot = visit_slot_propose(
        match=match, actor=desk, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )

    with pytest.raises(MatchError):
        visit_slot_confirm(slot=slot, actor=owner)
    assert VisitSlot.objects.get(pk=slot.pk).state == VisitState.PROPOSED


def test_proposals_mail_each_side_in_its_language(
    pair, desk, owner, holder, django_capture_on_commit_callbacks
):
    owner.preferred_language = "nl"
    owner.save()
    holder.preferred_language = "fr"
    holder.save()
    application, site = pair
    match = new_match(application, site, desk, to_state=M.SHORTLISTED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        match = match_transition(match=match, to_state=M.PROPOSED_OWNER, actor=desk)
    to_owner = list(mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match = match_answer(match=match, actor=owner, accept=True)
    to_desk = list(mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match = match_transition(match=match, to_state=M.PROPOSED_HOLDER, actor=desk)
    to_holder = list(mail.outbox)

    assert [m.to for m in to_owner] == [[owner.email]]
    assert f"http://127.0.0.1:8000/nl/my/proposals/{match.pk}/" in to_owner[0].body
    assert [m.to for m in to_desk] == [[desk.email]]
    assert f"http://127.0.0.1:8000/admin/matching/match/{match.pk}/change/" in to_desk[0].body
    assert [m.to for m in to_holder] == [[holder.email]]
    assert f"http://127.0.0.1:8000/fr/my/proposals/{match.pk}/" in to_holder[0].body
    assert application.reference in to_holder[0].subject


def test_answering_a_closed_proposal_says_it_is_closed(pair, desk, owner):
    application, site = pair
    match = new_match(application, site, desk, to_state=M.PROPOSED_OWNER)
    match_withdraw(match=match, actor=desk, decline_reason=reason("owner_choice"))

    with pytest.raises(MatchError) as error:
        match_answer(match=Match.objects.get(pk=match.pk), actor=owner, accept=True)

    assert str(error.value.message) == "This proposal is closed: Withdrawn."


def test_accepting_without_consent_to_share_records_no_consent(pair, desk, owner, holder):
    application, site = pair
    application.consent_to_share = False
    application.save()
    match = walk(
        new_match(application, site, desk), M.PROPOSED_HOLDER, desk=desk, owner=owner, holder=holder
    )

    match_answer(match=match, actor=holder, accept=True)

    saved = Match.objects.get(pk=match.pk)
    assert (saved.state, saved.holder_consented_at) == (M.HOLDER_ACCEPTED, None)


def test_visit_report_is_kept_when_the_state_change_fails(pair, desk, owner, holder):
    application, site = pair
    match = walk(
        new_match(application, site, desk), M.VISIT_DONE, desk=desk, owner=owner, holder=holder
    )
    stale = Match.objects.get(pk=match.pk)
    stale.state = M.VISIT_PLANNED

    from matching.domain import match_visit_done

    with pytest.raises(MatchConflict):
        match_visit_done(match=stale, actor=desk, report="Second report")

    assert list(VisitSlot.objects.filter(state="confirmed").values_list("report", flat=True)) == [
        "Went well."
    ]
