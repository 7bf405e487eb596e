"""Input the admin's own pages never send gets the 400 page, not a server error, and changes
nothing: a NUL in search or filters (PostgreSQL refuses it), a ticked row that is no key."""

import pytest
from django.conf import settings

from properties.enums import SiteState
from properties.models import Site, SiteTransition

from .factories import SiteFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/properties/site/"


@pytest.fixture
def desk_client(caseworker_client):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return caseworker_client


@pytest.mark.parametrize(
    "query",
    [{"q": "Rue\x00"}, {"state__exact": "\x00"}, {"o": "1\x00"}, {"\x00": "1"}],
)
def test_nul_in_search_or_filters_is_a_bad_request(desk_client, query):
    response = desk_client.get(CHANGELIST, query)

    assert response.status_code == 400
    assert "Your request could not be handled" in response.content.decode()


@pytest.mark.parametrize("selected", ["abc", "1.5", "", "9" * 40])
def test_a_ticked_row_that_is_no_key_changes_nothing(desk_client, selected):
    site = SiteFactory(state=SiteState.SUBMITTED)
    transitions = SiteTransition.objects.count()

    response = desk_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [site.pk, selected], "index": 0},
    )

    assert response.status_code == 400
    assert Site.objects.filter(pk=site.pk).exists()
    assert SiteTransition.objects.count() == transitions


def test_the_same_search_without_nul_still_works(desk_client):
    SiteFactory(title_fr="Rue Haute 12", state=SiteState.SUBMITTED)

    response = desk_client.get(CHANGELIST, {"q": "Haute"})

    assert response.status_code == 200
    assert "Rue Haute 12" in response.content.decode()
