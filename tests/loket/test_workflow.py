"""The shared transition helper and history base (loket.workflow), on a small workflow of its
own over sites, so that the helper's rules show apart from any real workflow's."""

from dataclasses import replace

import pytest
from django.db import transaction
from django.utils import translation

from loket.notifications.models import Notification
from loket.notifications.services import notify
from loket.workflow import (
    Side,
    Transition,
    Workflow,
    WorkflowConflict,
    WorkflowError,
    record_start,
    transition,
)
from matching.models import Match, MatchTransition, OccupationTransition, VisitSlotTransition
from projects.domain import ApplicationConflict, ApplicationError
from projects.models import ApplicationTransition
from properties.domain import SiteConflict, SiteError
from properties.enums import SiteState
from properties.models import Site, SiteTransition

from ..factories import SiteFactory, caseworker

pytestmark = pytest.mark.django_db
S = SiteState


def sides(actor, site):
    if actor is None:
        return {Side.SYSTEM}
    return {Side.DESK} if actor.is_staff else {Side.OWNER}


def tell_the_owners(row):
    """The workflow's notifications: every member of the owner hears of the change."""
    for member in row.site.owner.memberships.all():
        notify(
            recipient=member.user,
            kind="site_submitted",
            context={"transition": row.pk},
            key=f"test-workflow:{row.pk}:{member.user_id}",
        )


def refuse_to_notify(row):
    raise RuntimeError("the outbox is broken")


SMALL = Workflow(
    model=Site,
    states=SiteState,
    allowed={
        ("", S.DRAFT): {Side.OWNER},
        (S.DRAFT, S.SUBMITTED): {Side.OWNER, Side.DESK},
        (S.SUBMITTED, S.UNDER_REVIEW): {Side.DESK, Side.SYSTEM},
    },
    history=SiteTransition,
    history_fk="site",
    sides=sides,
    error=SiteError,
    conflict=SiteConflict,
    refusal="A site cannot go from “%(from)s” to “%(to)s”.",
    notify="tests.loket.test_workflow.tell_the_owners",
)


@pytest.fixture
def draft(owner):
    return SiteFactory(owner=owner.active_organisation, state=S.DRAFT, publication="")


def test_transition_writes_the_state_the_fields_and_one_history_row(draft, owner):
    before = Site.objects.get(pk=draft.pk).updated_at

    row = transition(
        SMALL,
        record=draft,
        to_state=S.SUBMITTED,
        actor=owner,
        reason="Ready.",
        data={"step": 9},
        fields={"desk_message": "Seen"},
    )

    saved = Site.objects.get(pk=draft.pk)
    assert (saved.state, saved.desk_message) == (S.SUBMITTED, "Seen")
    assert saved.updated_at > before
    assert (draft.state, draft.desk_message, draft.updated_at) == (
        S.SUBMITTED,
        "Seen",
        saved.updated_at,
    )
    assert list(
        SiteTransition.objects.values_list(
            "site", "actor", "side", "from_state", "to_state", "reason", "data"
        )
    ) == [(draft.pk, owner.pk, "owner", "draft", "submitted", "Ready.", {"step": 9})]
    assert row.created_at is not None


def test_transition_refuses_a_move_that_is_not_in_the_table(draft, owner):
    with translation.override("en"), pytest.raises(SiteError) as refused:
        transition(SMALL, record=draft, to_state=S.PUBLISHED, actor=owner)

    assert str(refused.value.message) == "A site cannot go from “Draft” to “Published”."
    assert Site.objects.get(pk=draft.pk).state == S.DRAFT
    assert SiteTransition.objects.count() == 0
    assert Notification.objects.count() == 0


def test_transition_refuses_a_side_the_move_does_not_allow(owner):
    site = SiteFactory(owner=owner.active_organisation, state=S.SUBMITTED)

    with translation.override("en"), pytest.raises(SiteError) as refused:
        transition(SMALL, record=site, to_state=S.UNDER_REVIEW, actor=owner)

    assert str(refused.value.message) == (
        "A site cannot go from “Submitted” to “Under review by the desk”."
    )
    assert Site.objects.get(pk=site.pk).state == S.SUBMITTED


def test_of_two_stale_copies_the_second_gets_the_conflict(draft, owner):
    first, second = Site.objects.get(pk=draft.pk), Site.objects.get(pk=draft.pk)
    transition(SMALL, record=first, to_state=S.SUBMITTED, actor=owner)

    with translation.override("en"), pytest.raises(SiteConflict) as lost:
        transition(SMALL, record=second, to_state=S.SUBMITTED, actor=caseworker())

    assert str(lost.value.message) == (
        "Someone else changed this site a moment ago. Reload the page to see its state."
    )
    assert isinstance(lost.value, WorkflowConflict)
    assert isinstance(lost.value, SiteError)
    assert second.state == S.DRAFT  # the loser's copy is left as it was
    assert list(SiteTransition.objects.values_list("side", "from_state", "to_state")) == [
        ("owner", "draft", "submitted")
    ]
    assert Notification.objects.count() == 1


def test_the_outbox_message_is_written_with_the_change(draft, owner):
    row = transition(SMALL, record=draft, to_state=S.SUBMITTED, actor=owner)

    assert list(Notification.objects.values_list("recipient", "kind", "context")) == [
        (owner.pk, "site_submitted", {"transition": row.pk})
    ]


def test_a_failing_transaction_takes_the_change_its_history_and_its_messages_back(draft, owner):
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(SMALL, record=draft, to_state=S.SUBMITTED, actor=owner)
        raise RuntimeError("the caller fails after the move")

    assert Site.objects.get(pk=draft.pk).state == S.DRAFT
    assert SiteTransition.objects.count() == 0
    assert Notification.objects.count() == 0


def test_failing_notifications_take_the_change_back(draft, owner):
    broken = replace(SMALL, notify="tests.loket.test_workflow.refuse_to_notify")

    with pytest.raises(RuntimeError):
        transition(broken, record=draft, to_state=S.SUBMITTED, actor=owner)

    assert Site.objects.get(pk=draft.pk).state == S.DRAFT
    assert SiteTransition.objects.count() == 0


def test_no_actor_is_the_system_side(owner):
    site = SiteFactory(owner=owner.active_organisation, state=S.SUBMITTED)

    transition(SMALL, record=site, to_state=S.UNDER_REVIEW, actor=None)

    assert list(SiteTransition.objects.values_list("actor", "side")) == [(None, "system")]


def test_the_desk_is_recorded_when_the_actor_speaks_for_several_sides(draft, owner):
    both = replace(SMALL, sides=lambda actor, site: {Side.OWNER, Side.DESK})

    transition(both, record=draft, to_state=S.SUBMITTED, actor=owner)

    assert SiteTransition.objects.get().side == "desk"


def test_record_start_writes_the_first_row_from_nowhere(draft, owner):
    record_start(SMALL, record=draft, actor=owner, data={"via": "editor"})

    assert list(SiteTransition.objects.values_list("side", "from_state", "to_state", "data")) == [
        ("owner", "", "draft", {"via": "editor"})
    ]


def test_record_start_refuses_a_side_the_creation_does_not_allow(draft):
    with pytest.raises(SiteError):
        record_start(SMALL, record=draft, actor=caseworker())

    assert SiteTransition.objects.count() == 0


def test_allowed_targets_are_the_moves_of_the_actor_side(draft, owner):
    desk = caseworker()
    submitted = SiteFactory(owner=owner.active_organisation, state=S.SUBMITTED)

    assert SMALL.allowed_targets(draft, owner) == [S.SUBMITTED]
    assert SMALL.allowed_targets(submitted, owner) == []
    assert SMALL.allowed_targets(submitted, desk) == [S.UNDER_REVIEW]


def test_one_side_vocabulary_for_every_history_table():
    assert Side.values == ["owner", "holder", "desk", "system"]
    histories = [
        SiteTransition,
        ApplicationTransition,
        MatchTransition,
        OccupationTransition,
        VisitSlotTransition,
    ]
    assert all(issubclass(model, Transition) for model in histories)
    assert {model.__name__: model._meta.get_field("side").choices for model in histories} == {
        model.__name__: Side.choices for model in histories
    }
    assert Match._meta.get_field("ended_by").choices == Side.choices


def test_side_labels_are_translated():
    with translation.override("nl"):
        assert [str(label) for label in Side.labels] == [
            "De eigenaar",
            "De projectdrager",
            "Het loket",
            "Loket zelf",
        ]
    with translation.override("fr"):
        assert str(Side.SYSTEM.label) == "Loket lui-même"


def test_history_rows_read_with_the_state_labels(draft, owner):
    first = record_start(SMALL, record=draft, actor=owner)
    row = transition(SMALL, record=draft, to_state=S.SUBMITTED, actor=owner)

    with translation.override("nl"):
        assert (str(first), str(row)) == ("→ Ontwerp", "Ontwerp → Ingediend")


def test_each_workflow_error_is_a_shared_one():
    assert issubclass(SiteConflict, WorkflowConflict) and issubclass(SiteError, WorkflowError)
    assert issubclass(ApplicationConflict, WorkflowConflict)
    assert issubclass(ApplicationConflict, ApplicationError)
    assert issubclass(ApplicationError, WorkflowError)
