"""Review, submit, resubmission, editing after submission, withdraw and "still looking?"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from projects.domain.applications import VALIDITY, application_mark_incomplete
from projects.models import Application, ApplicationTransition

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def step_url(application: Application, step: str) -> str:
    return url("projects:holder_step", pk=application.pk, step=step)


@pytest.fixture
def complete(holder):
    return ApplicationFactory(organisation=holder.active_organisation, complete=True)


@pytest.fixture
def empty(holder):
    return ApplicationFactory(organisation=holder.active_organisation)


def test_review_lists_the_strict_errors_with_links_to_their_step(holder_client, empty):
    page = holder_client.get(step_url(empty, "review")).content.decode()
    assert "Before you can submit" in page
    assert f'href="{step_url(empty, "project")}#id_title"' in page
    assert f'href="{step_url(empty, "place")}#id_communes"' in page
    assert "Choose at least one commune, or “anywhere in the Region”." in page
    assert f'href="{step_url(empty, "neighbourhood")}#id_consent_to_share"' in page


def test_an_incomplete_submit_is_refused_without_a_transition(holder_client, empty):
    response = holder_client.post(url("projects:holder_submit", pk=empty.pk))
    assert response.status_code == 200
    assert "The desk can only propose your file to owners with your consent." in (
        response.content.decode()
    )
    empty.refresh_from_db()
    assert (empty.state, empty.reference) == ("draft", None)
    assert not ApplicationTransition.objects.exists()


def test_submit_gives_the_reference_and_writes_the_transition(holder, holder_client, complete):
    response = holder_client.post(url("projects:holder_submit", pk=complete.pk), follow=True)
    complete.refresh_from_db()
    assert complete.state == "submitted"
    assert complete.reference == f"LTG-{timezone.localdate().year}-0001"
    assert complete.reference in response.content.decode()
    transition = ApplicationTransition.objects.get()
    assert (transition.from_state, transition.to_state, transition.actor) == (
        "draft",
        "submitted",
        holder,
    )


def test_a_double_submit_gives_a_message_and_no_second_transition(holder_client, complete):
    holder_client.post(url("projects:holder_submit", pk=complete.pk))
    response = holder_client.post(url("projects:holder_submit", pk=complete.pk), follow=True)
    assert "This application has already been submitted." in response.content.decode()
    assert ApplicationTransition.objects.count() == 1


def test_a_submitted_application_is_read_only(holder_client, complete):
    holder_client.post(url("projects:holder_submit", pk=complete.pk))
    page = holder_client.get(step_url(complete, "project")).content.decode()
    assert "the desk is reviewing it" in page
    assert 'name="title"' in page and "disabled" in page
    assert "Save and continue" not in page
    response = holder_client.post(step_url(complete, "project"), {"title": "Changed"}, follow=True)
    assert "the desk is reviewing it" in response.content.decode()
    complete.refresh_from_db()
    assert complete.title == "Ateliers du canal"
    response = holder_client.post(
        url("projects:holder_document_add", pk=complete.pk), {"kind": "plans", "title": "x"}
    )
    assert response["Location"] == step_url(complete, "review")
    assert not complete.documents.exists()


def test_resubmission_after_incomplete_keeps_the_reference(
    holder_client, complete, caseworker_user
):
    holder_client.post(url("projects:holder_submit", pk=complete.pk))
    complete.refresh_from_db()
    reference = complete.reference
    application_mark_incomplete(
        application=complete, actor=caseworker_user, message="Add your statutes."
    )
    dashboard = holder_client.get(url("projects:holder_dashboard")).content.decode()
    assert "Add your statutes." in dashboard
    editor = holder_client.get(step_url(complete, "project")).content.decode()
    assert "Add your statutes." in editor and "Save and continue" in editor
    holder_client.post(step_url(complete, "project"), {"title": "Ateliers 2", **_project(complete)})
    holder_client.post(url("projects:holder_submit", pk=complete.pk))
    complete.refresh_from_db()
    assert (complete.state, complete.reference, complete.title) == (
        "submitted",
        reference,
        "Ateliers 2",
    )
    assert ApplicationTransition.objects.count() == 3


def _project(application):
    return {
        "description": application.description,
        "activity_types": [a.pk for a in application.activity_types.all()],
    }


def test_withdraw_needs_a_reason_and_closes(holder_client, complete):
    response = holder_client.post(url("projects:holder_withdraw", pk=complete.pk), {"reason": ""})
    assert 'id="id_reason_error"' in response.content.decode()
    holder_client.post(url("projects:holder_withdraw", pk=complete.pk), {"reason": "Found one"})
    complete.refresh_from_db()
    assert (complete.state, complete.closed_reason) == ("closed", "withdrawn")
    assert ApplicationTransition.objects.get().reason == "Found one"


def test_still_looking_renews_an_open_request(holder_client, complete):
    holder_client.post(url("projects:holder_submit", pk=complete.pk))
    Application.objects.filter(pk=complete.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=300)
    )
    response = holder_client.post(url("projects:holder_confirm", pk=complete.pk), follow=True)
    complete.refresh_from_db()
    assert timezone.now() - complete.confirmed_at < datetime.timedelta(minutes=1)
    page = response.content.decode()
    assert "Your request stays valid until" in page
    assert "Still looking?" in page
    assert ApplicationTransition.objects.count() == 1
    assert (complete.confirmed_at + VALIDITY).year >= timezone.now().year


def test_still_looking_is_refused_for_a_draft(holder_client, complete):
    response = holder_client.post(url("projects:holder_confirm", pk=complete.pk), follow=True)
    assert "Only an open application can be renewed." in response.content.decode()
    complete.refresh_from_db()
    assert complete.confirmed_at is None
