"""Submitting a site to the desk, and withdrawing it: each writes one transition row."""

import pytest
from django.urls import reverse
from django.utils import translation

from properties.domain import site_create
from properties.models import Site, SiteTransition

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def draft(owner):
    return SiteFactory(state="draft", publication="", owner=owner.active_organisation)


def test_owner_submit_writes_a_transition_and_sets_submitted_at(owner, owner_client, draft):
    response = owner_client.post(url("properties:owner_submit", pk=draft.pk), follow=True)
    site = Site.objects.get(pk=draft.pk)
    assert site.state == "submitted"
    assert site.submitted_at is not None
    transitions = list(
        SiteTransition.objects.values_list("site", "from_state", "to_state", "actor")
    )
    assert transitions == [(draft.pk, "draft", "submitted", owner.pk)]
    assert response.redirect_chain[-1][0] == url("properties:owner_dashboard")
    assert f"Thank you. {draft.reference} is sent to the desk" in response.content.decode()


def test_owner_double_submit_writes_one_transition(owner_client, draft):
    submit = url("properties:owner_submit", pk=draft.pk)
    owner_client.post(submit)
    response = owner_client.post(submit, follow=True)
    assert SiteTransition.objects.filter(site=draft).count() == 1
    assert Site.objects.get(pk=draft.pk).state == "submitted"
    assert "This site has already been submitted." in response.content.decode()
    assert response.redirect_chain[-1][0] == url(
        "properties:owner_step", pk=draft.pk, step="review"
    )


def test_owner_submit_of_an_incomplete_draft_shows_what_is_missing(owner, owner_client):
    site = site_create(actor=owner, owner=owner.active_organisation)
    response = owner_client.post(url("properties:owner_submit", pk=site.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The site is not complete yet." in html
    where = url("properties:owner_step", pk=site.pk, step="where")
    what = url("properties:owner_step", pk=site.pk, step="what")
    units = url("properties:owner_step", pk=site.pk, step="units")
    assert f'<a href="{where}#id_street">Street: Give the street.</a>' in html
    assert f'<a href="{what}#id_title_nl">Title: Give a title in Dutch or in French.</a>' in html
    assert f'<a href="{where}#id_latitude">Latitude: Place the site on the map.</a>' in html
    assert f'<a href="{units}#units">Units: Add at least one unit with its surface.</a>' in html
    assert Site.objects.get(pk=site.pk).state == "draft"
    assert SiteTransition.objects.count() == 0


def test_owner_review_of_a_complete_draft_offers_submit(owner_client, draft):
    html = owner_client.get(
        url("properties:owner_step", pk=draft.pk, step="review")
    ).content.decode()
    assert "Everything the desk needs is there." in html
    assert "Submit the site to the desk" in html
    assert draft.title_nl in html
    assert "200.0" in html


def test_owner_review_shows_strict_errors_per_field(owner, owner_client):
    site = SiteFactory(
        state="draft", publication="", owner=owner.active_organisation, street="", postcode="1190"
    )
    html = owner_client.get(
        url("properties:owner_step", pk=site.pk, step="review")
    ).content.decode()
    assert '<span class="summary-error">Give the street.</span>' in html
    assert "Postcode 1190 is not in" in html
    assert "Submit the site to the desk" in html


def test_owner_review_of_a_submitted_site_has_no_submit_button(owner_client, owner):
    site = SiteFactory(state="submitted", publication="", owner=owner.active_organisation)
    html = owner_client.get(
        url("properties:owner_step", pk=site.pk, step="review")
    ).content.decode()
    assert "Submit the site to the desk" not in html
    assert "The desk reviews the site" in html


def test_owner_withdraw_with_a_reason(owner, owner_client, draft):
    response = owner_client.post(
        url("properties:owner_withdraw", pk=draft.pk), {"reason": "Sold to a developer"}
    )
    assert response["Location"] == url("properties:owner_dashboard")
    assert Site.objects.get(pk=draft.pk).state == "withdrawn"
    transitions = list(
        SiteTransition.objects.values_list("from_state", "to_state", "actor", "reason")
    )
    assert transitions == [("draft", "withdrawn", owner.pk, "Sold to a developer")]


def test_owner_withdraw_needs_a_reason(owner_client, draft):
    response = owner_client.post(url("properties:owner_withdraw", pk=draft.pk), {"reason": ""})
    assert 'id="id_reason_error"' in response.content.decode()
    assert Site.objects.get(pk=draft.pk).state == "draft"
    assert SiteTransition.objects.count() == 0


def test_owner_withdraw_a_withdrawn_site_is_refused(owner_client, owner):
    site = SiteFactory(state="withdrawn", publication="", owner=owner.active_organisation)
    response = owner_client.post(
        url("properties:owner_withdraw", pk=site.pk), {"reason": "again"}, follow=True
    )
    assert "cannot go from" in response.content.decode()
    assert SiteTransition.objects.count() == 0


def test_owner_desk_message_shows_in_the_editor(owner_client, owner):
    site = SiteFactory(
        state="draft",
        publication="",
        owner=owner.active_organisation,
        desk_message="Please add a floor plan.",
    )
    html = owner_client.get(url("properties:owner_step", pk=site.pk, step="media")).content.decode()
    assert "Please add a floor plan." in html
