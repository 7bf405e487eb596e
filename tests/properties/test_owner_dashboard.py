"""The owner's dashboard: the organisation's sites with their state, last save and the desk's
message, in a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from loket.pagination import PAGE_SIZE

from ..factories import SiteFactory

pytestmark = pytest.mark.django_db

# Session, user, the membership check, active organisation, sites, and the three prefetches
# of the selector.
DASHBOARD_QUERIES = 8


def dashboard_url() -> str:
    with translation.override("en"):
        return reverse("properties:owner_dashboard")


def test_owner_dashboard_lists_sites_with_state_and_desk_message(owner, owner_client):
    site = SiteFactory(
        state="draft",
        publication="",
        owner=owner.active_organisation,
        desk_message="Add the fire-safety advice, please.",
    )
    published = SiteFactory(owner=owner.active_organisation)
    html = owner_client.get(dashboard_url()).content.decode()
    assert site.reference in html
    assert site.title_nl in html or site.title_fr in html
    assert "Add the fire-safety advice, please." in html
    assert ">Draft<" in html
    assert ">Published<" in html
    assert published.reference in html
    assert "Last saved" in html
    assert "Register a site" in html


def test_owner_dashboard_queries_are_constant(owner, owner_client, django_assert_num_queries):
    organisation = owner.active_organisation
    SiteFactory(state="draft", publication="", owner=organisation, units=[100, 50])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = owner_client.get(dashboard_url())
    assert response.content.decode().count('class="site-card"') == 1
    SiteFactory.create_batch(
        PAGE_SIZE - 1, state="draft", publication="", owner=organisation, units=[10, 20]
    )
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = owner_client.get(dashboard_url())
    assert response.content.decode().count('class="site-card"') == PAGE_SIZE


def test_owner_dashboard_without_sites_invites_to_register(owner_client):
    html = owner_client.get(dashboard_url()).content.decode()
    assert "No sites yet." in html


@pytest.mark.parametrize(
    ("language", "label"), [("fr", "Dernier enregistrement :"), ("nl", "Laatst opgeslagen:")]
)
def test_the_last_save_is_labelled_in_the_readers_typography(owner, owner_client, language, label):
    SiteFactory(state="draft", publication="", owner=owner.active_organisation)
    with translation.override(language):
        url = reverse("properties:owner_dashboard")
    html = owner_client.get(url).content.decode()
    assert html.count(f'<p class="site-card-saved">{label} <time') == 1


def test_owner_dashboard_pages_stay_constant_in_queries_and_size(
    owner, owner_client, django_assert_num_queries
):
    organisation = owner.active_organisation
    SiteFactory(state="draft", publication="", owner=organisation)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = owner_client.get(dashboard_url())
    assert response.content.decode().count('class="site-card"') == 1
    assert 'class="pagination"' not in response.content.decode()
    SiteFactory.create_batch(2 * PAGE_SIZE - 1, state="draft", publication="", owner=organisation)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        first = owner_client.get(dashboard_url()).content.decode()
    with django_assert_num_queries(DASHBOARD_QUERIES):
        second = owner_client.get(dashboard_url() + "?page=2").content.decode()
    assert first.count('class="site-card"') == PAGE_SIZE
    assert second.count('class="site-card"') == PAGE_SIZE
    assert first.count("of 8 steps finished") == PAGE_SIZE


def test_owner_dashboard_shows_sites_in_play_before_finished_ones(owner, owner_client):
    organisation = owner.active_organisation
    SiteFactory.create_batch(3, state="withdrawn", publication="", owner=organisation)
    SiteFactory.create_batch(PAGE_SIZE, state="draft", publication="", owner=organisation)
    first = owner_client.get(dashboard_url()).content.decode()
    second = owner_client.get(dashboard_url() + "?page=2").content.decode()
    assert (first.count(">Draft<"), first.count(">Withdrawn<")) == (PAGE_SIZE, 0)
    assert (second.count(">Draft<"), second.count(">Withdrawn<")) == (0, 3)


@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "9" * 40, ""])
def test_owner_dashboard_page_out_of_range_is_not_found(owner, owner_client, page):
    SiteFactory.create_batch(
        PAGE_SIZE + 1, state="draft", publication="", owner=owner.active_organisation
    )
    assert owner_client.get(dashboard_url(), {"page": page}).status_code == 404


@pytest.mark.parametrize(
    ("language", "nav", "status", "previous", "next_"),
    [
        ("nl", "Pagina's van mijn sites", "Pagina 2 van 3", "Vorige pagina", "Volgende pagina"),
        ("fr", "Pages de mes sites", "Page 2 sur 3", "Page précédente", "Page suivante"),
    ],
)
def test_owner_dashboard_pagination_speaks_the_readers_language(
    owner, owner_client, language, nav, status, previous, next_
):
    SiteFactory.create_batch(
        2 * PAGE_SIZE + 1, state="draft", publication="", owner=owner.active_organisation
    )
    with translation.override(language):
        url = reverse("properties:owner_dashboard")
    html = owner_client.get(url, {"page": "2"}).content.decode()
    assert html.count(f'<nav class="pagination" aria-label="{nav}">') == 1
    assert html.count(f'<p class="pagination-status">{status}</p>') == 1
    assert html.count(f'<a href="?page=1" rel="prev">{previous}</a>') == 1
    assert html.count(f'<a href="?page=3" rel="next">{next_}</a>') == 1
    assert html.count('aria-current="page"') == 1
    label = "Pagina" if language == "nl" else "Page"
    assert html.count(f'<a href="?page=2" aria-current="page" aria-label="{label} 2">2</a>') == 1
