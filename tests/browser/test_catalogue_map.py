"""The catalogue map draws its markers from /<lang>/sites/map.json, with the page's filters."""

import pytest

from tests.factories import SiteFactory

from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_catalogue_map_shows_the_filtered_sites_with_a_location(live_server, new_page):
    SiteFactory(units=[300])
    SiteFactory(units=[300], public_precision="approximate")
    SiteFactory(units=[300], public_precision="hidden")
    SiteFactory(units=[30])
    page = new_page(locale="nl-BE")

    page.goto(f"{live_server.url}/nl/sites/?surface_min=100")
    page.wait_for_selector("#catalogue-map[data-markers]")

    screenshot(page, "catalogue-map-filtered")
    assert page.locator("#catalogue-map").get_attribute("data-markers") == "2"
