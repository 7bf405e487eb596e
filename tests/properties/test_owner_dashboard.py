"""The owner's dashboard: the organisation's sites with their state, last save and the desk's
message, in a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

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
    SiteFactory.create_batch(29, state="draft", publication="", owner=organisation, units=[10, 20])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = owner_client.get(dashboard_url())
    assert response.content.decode().count('class="site-card"') == 30


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
