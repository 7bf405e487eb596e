"""The site workflow: one function changes the state, and every change leaves one history row."""

from decimal import Decimal

import pytest

from loket.reference.models import EconomicModel
from properties.domain import SiteConflict, SiteError, site_submit, site_transition
from properties.domain.sites import ALLOWED, DESK, OWNER, submission_errors
from properties.enums import Publication, SiteState
from properties.models import Site, SiteTransition

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

DESK_MOVES = sorted((frm, to) for (frm, to), sides in ALLOWED.items() if DESK in sides)
FORBIDDEN_MOVES = [
    (SiteState.DRAFT, SiteState.PUBLISHED),
    (SiteState.DRAFT, SiteState.UNDER_REVIEW),
    (SiteState.SUBMITTED, SiteState.SUSPENDED),
    (SiteState.RELEASED, SiteState.PUBLISHED),
    (SiteState.WITHDRAWN, SiteState.DRAFT),
    (SiteState.CLOSED, SiteState.PUBLISHED),
    (SiteState.SUSPENDED, SiteState.SUSPENDED),
]


@pytest.mark.parametrize(("from_state", "to_state"), DESK_MOVES)
def test_site_transition_allowed_move_writes_one_history_row(caseworker_user, from_state, to_state):
    site = SiteFactory(state=from_state)

    site_transition(site=site, to_state=to_state, actor=caseworker_user, reason="Checked.")

    site.refresh_from_db()
    assert site.state == to_state
    assert list(
        SiteTransition.objects.values_list("actor", "from_state", "to_state", "reason")
    ) == [(caseworker_user.pk, from_state, to_state, "Checked.")]


@pytest.mark.parametrize(("from_state", "to_state"), FORBIDDEN_MOVES)
def test_site_transition_forbidden_move_raises_and_writes_nothing(
    caseworker_user, from_state, to_state
):
    site = SiteFactory(state=from_state)

    with pytest.raises(SiteError):
        site_transition(site=site, to_state=to_state, actor=caseworker_user)

    assert Site.objects.get(pk=site.pk).state == from_state
    assert SiteTransition.objects.count() == 0


def test_site_transition_owner_cannot_publish(owner):
    site = SiteFactory(owner=owner.active_organisation, state=SiteState.SUBMITTED)

    with pytest.raises(SiteError):
        site_transition(site=site, to_state=SiteState.PUBLISHED, actor=owner)

    assert Site.objects.get(pk=site.pk).state == SiteState.SUBMITTED
    assert SiteTransition.objects.count() == 0


def test_site_transition_owner_may_submit_and_withdraw(owner):
    site = SiteFactory(owner=owner.active_organisation, state=SiteState.DRAFT)

    site_transition(site=site, to_state=SiteState.SUBMITTED, actor=owner)
    site_transition(site=site, to_state=SiteState.WITHDRAWN, actor=owner)

    assert list(SiteTransition.objects.values_list("from_state", "to_state")) == [
        (SiteState.DRAFT, SiteState.SUBMITTED),
        (SiteState.SUBMITTED, SiteState.WITHDRAWN),
    ]
    publishing_sides = {
        side for (_frm, to), sides in ALLOWED.items() if to == SiteState.PUBLISHED for side in sides
    }
    assert publishing_sides == {DESK}
    assert OWNER not in ALLOWED[(SiteState.SUBMITTED, SiteState.UNDER_REVIEW)]


def test_site_transition_second_of_two_concurrent_caseworkers_gets_a_conflict(caseworker_user):
    SiteFactory(state=SiteState.SUBMITTED)
    first_copy = Site.objects.get()
    second_copy = Site.objects.get()

    site_transition(
        site=first_copy,
        to_state=SiteState.PUBLISHED,
        actor=caseworker_user,
        publication=Publication.PUBLIC,
    )
    with pytest.raises(SiteConflict):
        site_transition(
            site=second_copy,
            to_state=SiteState.DRAFT,
            actor=caseworker_user,
            desk_message="Add photos.",
        )

    site = Site.objects.get()
    assert (site.state, site.publication, site.desk_message) == (
        SiteState.PUBLISHED,
        Publication.PUBLIC,
        "",
    )
    assert SiteTransition.objects.count() == 1


def test_site_transition_sets_published_at_once(caseworker_user):
    site = SiteFactory(state=SiteState.UNDER_REVIEW, published_at=None)

    site_transition(site=site, to_state=SiteState.PUBLISHED, actor=caseworker_user)
    first_published_at = Site.objects.get(pk=site.pk).published_at
    site_transition(site=site, to_state=SiteState.SUSPENDED, actor=caseworker_user)
    site_transition(site=site, to_state=SiteState.PUBLISHED, actor=caseworker_user)

    assert first_published_at is not None
    assert Site.objects.get(pk=site.pk).published_at == first_published_at


def test_site_transition_submitting_sets_submitted_at(owner):
    site = SiteFactory(owner=owner.active_organisation, state=SiteState.DRAFT, submitted_at=None)

    site_submit(site=site, actor=owner)

    site.refresh_from_db()
    assert site.state == SiteState.SUBMITTED
    assert site.submitted_at is not None


def test_submission_errors_missing_title_in_both_languages():
    site = SiteFactory(state=SiteState.DRAFT, title_nl="", title_fr="", title_en="Old office")

    assert list(submission_errors(site)) == ["title"]


def test_submission_errors_title_in_one_language_is_enough():
    site = SiteFactory(state=SiteState.DRAFT, title_nl="", title_fr="Ancien bureau")

    assert submission_errors(site) == {}


def test_submission_errors_postcode_not_in_commune():
    site = SiteFactory(state=SiteState.DRAFT, postcode="1070", commune_id="21004")

    assert [str(message) for message in submission_errors(site)["postcode"]] == [
        f"Postcode 1070 is not in {site.commune.name}."
    ]


def test_submission_errors_no_units():
    site = SiteFactory(state=SiteState.DRAFT, units=[])

    assert list(submission_errors(site)) == ["units"]


@pytest.mark.parametrize("model_code", ["fee_per_m2", "fee_per_person", "all_in"])
def test_submission_errors_fee_missing_for_fee_models(model_code):
    site = SiteFactory(
        state=SiteState.DRAFT,
        economic_model=EconomicModel.objects.get(code=model_code),
        fee_amount=None,
    )

    assert list(submission_errors(site)) == ["fee_amount"]


def test_site_submit_incomplete_site_writes_nothing(owner):
    site = SiteFactory(
        owner=owner.active_organisation, state=SiteState.DRAFT, units=[], title_nl="", title_fr=""
    )

    with pytest.raises(SiteError):
        site_submit(site=site, actor=owner)

    assert Site.objects.get(pk=site.pk).state == SiteState.DRAFT
    assert SiteTransition.objects.count() == 0


def test_site_submit_with_fee_computes_the_figures(owner):
    site = SiteFactory(
        owner=owner.active_organisation,
        state=SiteState.DRAFT,
        economic_model=EconomicModel.objects.get(code="fee_per_m2"),
        fee_amount=Decimal("2.50"),
        charges_monthly=Decimal("100"),
        units=[100, 50],
    )

    site_submit(site=site, actor=owner)

    site.refresh_from_db()
    assert (site.total_surface_m2, site.estimated_monthly_cost) == (
        Decimal("150.0"),
        Decimal("475.00"),
    )


def test_desk_switches_a_published_site_to_desk_only(caseworker_user):
    site = SiteFactory(state="published", publication="public")
    site_transition(site=site, to_state="published", actor=caseworker_user, publication="desk_only")
    site.refresh_from_db()
    assert (site.state, site.publication) == ("published", "desk_only")
    assert list(site.transitions.values_list("from_state", "to_state")) == [
        ("published", "published")
    ]
