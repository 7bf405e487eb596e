"""The holder's dashboard: state, last saved, desk message, history, "still looking?", in a
constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from loket.pagination import PAGE_SIZE
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


def test_dashboard_pages_stay_constant_in_queries_and_size(
    holder, holder_client, django_assert_num_queries
):
    make(holder, 1)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        html = holder_client.get(dashboard_url()).content.decode()
    assert html.count('class="site-card"') == 1
    assert 'class="pagination"' not in html
    make(holder, 2 * PAGE_SIZE - 1)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        first = holder_client.get(dashboard_url()).content.decode()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        second = holder_client.get(dashboard_url(), {"page": "2"}).content.decode()
    assert first.count('class="site-card"') == PAGE_SIZE
    assert second.count('class="site-card"') == PAGE_SIZE
    assert first.count("Still looking?") == PAGE_SIZE


def test_dashboard_shows_drafts_progress_and_closed_applications_last(holder, holder_client):
    organisation = holder.active_organisation
    ApplicationFactory.create_batch(2, organisation=organisation, state="closed")
    ApplicationFactory.create_batch(PAGE_SIZE, organisation=organisation)
    first = holder_client.get(dashboard_url()).content.decode()
    second = holder_client.get(dashboard_url(), {"page": "2"}).content.decode()
    assert (first.count(">Draft<"), first.count(">Closed<")) == (PAGE_SIZE, 0)
    assert first.count(" steps finished</p>") == PAGE_SIZE
    assert (second.count(">Draft<"), second.count(">Closed<")) == (0, 2)


@pytest.mark.parametrize("page", ["3", "0", "last", "1e3"])
def test_dashboard_page_out_of_range_is_not_found(holder, holder_client, page):
    ApplicationFactory.create_batch(PAGE_SIZE + 1, organisation=holder.active_organisation)
    assert holder_client.get(dashboard_url(), {"page": page}).status_code == 404


@pytest.mark.parametrize(
    ("language", "nav", "status"),
    [
        ("nl", "Pagina's van mijn aanvragen", "Pagina 1 van 2"),
        ("fr", "Pages de mes demandes", "Page 1 sur 2"),
    ],
)
def test_dashboard_pagination_speaks_the_readers_language(
    holder, holder_client, language, nav, status
):
    ApplicationFactory.create_batch(PAGE_SIZE + 1, organisation=holder.active_organisation)
    with translation.override(language):
        url = reverse("projects:holder_dashboard")
    html = holder_client.get(url).content.decode()
    assert html.count(f'<nav class="pagination" aria-label="{nav}">') == 1
    assert html.count(f'<p class="pagination-status">{status}</p>') == 1
    assert html.count('rel="prev"') == 0
    assert html.count('<a href="?page=2" rel="next">') == 1
