"""The proposals page grows by pages, not by rows: each side (the reader's sites, the reader's
applications) shows 20 proposals a page (`loket.pagination.PAGE_SIZE`), those waiting for an
answer first and the finished ones last, in the same number of queries for 1 proposal and for
40."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from loket.pagination import PAGE_SIZE
from matching.domain import match_answer
from matching.enums import MatchState

from ..factories import ApplicationFactory, SiteFactory
from .helpers import new_match, reason

pytestmark = pytest.mark.django_db

M = MatchState


def list_url() -> str:
    with translation.override("en"):
        return reverse("matching:proposal_list")


@pytest.fixture
def application(holder):
    return ApplicationFactory(
        organisation=holder.active_organisation, complete=True, state="qualified"
    )


def propose(application, owner, caseworker_user, count: int) -> list:
    sites = SiteFactory.create_batch(
        count, owner=owner.active_organisation, units=[150], available_until=None
    )
    return [new_match(application, site, caseworker_user, M.PROPOSED_OWNER) for site in sites]


def cards(response) -> int:
    return response.content.decode().count('class="site-card"')


def test_the_list_pages_cost_the_same_queries_for_1_and_40_proposals(
    owner, owner_client, application, caseworker_user, django_assert_num_queries
):
    propose(application, owner, caseworker_user, 1)
    with CaptureQueriesContext(connection) as captured:
        response = owner_client.get(list_url())
    assert cards(response) == 1
    assert 'class="pagination"' not in response.content.decode()
    propose(application, owner, caseworker_user, 2 * PAGE_SIZE - 1)

    with django_assert_num_queries(len(captured.captured_queries)):
        first = owner_client.get(list_url())
    with django_assert_num_queries(len(captured.captured_queries)):
        second = owner_client.get(list_url(), {"owner_page": "2"})

    assert (cards(first), cards(second)) == (PAGE_SIZE, PAGE_SIZE)
    assert len(first.context["owner_waiting"]) == len(second.context["owner_waiting"]) == PAGE_SIZE


def test_the_waiting_proposals_come_first_and_the_finished_ones_last(
    owner, owner_client, application, caseworker_user
):
    declined = propose(application, owner, caseworker_user, 2)
    for match in declined:
        match_answer(
            match=match, actor=owner, accept=False, decline_reason=reason(), reason="Too small"
        )
    answered = propose(application, owner, caseworker_user, 1)
    match_answer(match=answered[0], actor=owner, accept=True)
    waiting = propose(application, owner, caseworker_user, PAGE_SIZE - 2)

    first = owner_client.get(list_url())
    second = owner_client.get(list_url(), {"owner_page": "2"})

    assert {m.pk for m in first.context["owner_waiting"]} == {m.pk for m in waiting}
    assert [m.pk for m in first.context["owner_rest"]] == [answered[0].pk, declined[1].pk]
    assert second.context["owner_waiting"] == []
    assert [m.pk for m in second.context["owner_rest"]] == [declined[0].pk]
    html = second.content.decode()
    assert 'id="owner-waiting-title"' not in html
    assert html.count('id="owner-rest-title"') == 1


def test_each_side_keeps_the_other_sides_page_in_its_links(
    owner, owner_client, application, caseworker_user
):
    propose(application, owner, caseworker_user, PAGE_SIZE + 1)
    html = owner_client.get(list_url(), {"owner_page": "2", "holder_page": "1"}).content.decode()
    assert html.count('<a href="?holder_page=1&amp;owner_page=1" rel="prev">') == 1


@pytest.mark.parametrize("page", ["3", "0", "x", "\x00"])
def test_a_page_past_the_end_is_not_found(owner, owner_client, application, caseworker_user, page):
    propose(application, owner, caseworker_user, PAGE_SIZE + 1)
    assert owner_client.get(list_url(), {"owner_page": page}).status_code == 404


@pytest.mark.parametrize(
    ("language", "nav", "status"),
    [
        ("nl", "Pagina's van de voorstellen voor je sites", "Pagina 1 van 2"),
        ("fr", "Pages des propositions pour vos sites", "Page 1 sur 2"),
    ],
)
def test_the_page_links_speak_the_readers_language(
    owner, owner_client, application, caseworker_user, language, nav, status
):
    propose(application, owner, caseworker_user, PAGE_SIZE + 1)
    with translation.override(language):
        url = reverse("matching:proposal_list")
    html = owner_client.get(url).content.decode()
    assert html.count(f'<nav class="pagination" aria-label="{nav}">') == 1
    assert html.count(f'<p class="pagination-status">{status}</p>') == 1
    assert html.count('<a href="?owner_page=2" rel="next">') == 1
