"""The holder's dashboard: state, last saved, desk message, history, "still looking?", in a
constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from projects.domain.applications import application_submit

from ..factories import ApplicationFactory

pytestmark = pytest.mark.django_db

# Session, user, the membership check, organisation, applications, transitions.
DASHBOARD_QUERIES = 6


def dashboard_url() -> str:
    with translation.override("en"):
        return reverse("projects:holder_dashboard")


def make(holder, count: int):
    for _ in range(count):
        application = ApplicationFactory(organisation=holder.active_organisation, complete=True)
        application_submit(application=application, actor=holder)


def test_dashboard_shows_state_history_and_validity(holder, holder_client):
    make(holder, 1)
    page = holder_client.get(dashboard_url()).content.decode()
    assert "Ateliers du canal" in page
    assert "Submitted" in page
    assert "History" in page
    assert "Last saved" in page
    assert "Your request is valid until" in page
    assert "Still looking?" in page


def test_a_draft_has_no_still_looking_button(holder, holder_client):
    ApplicationFactory(organisation=holder.active_organisation, title="Plain draft")
    page = holder_client.get(dashboard_url()).content.decode()
    assert "Plain draft" in page
    assert "Still looking?" not in page


@pytest.mark.parametrize("count", [1, 20])
def test_dashboard_queries_do_not_grow(holder, holder_client, django_assert_num_queries, count):
    make(holder, count)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = holder_client.get(dashboard_url())
    assert response.status_code == 200
