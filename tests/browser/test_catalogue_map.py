"""The catalogue map draws its markers from /<lang>/sites/map.json, with the page's filters."""

from decimal import Decimal

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


def test_catalogue_map_draws_the_servers_clusters_and_asks_for_the_view_it_zooms_to(
    live_server, new_page, monkeypatch
):
    # Clusters from the third point on (the live server runs in this process).
    monkeypatch.setattr("properties.map.MAX_POINTS", 2)
    for lat, lon in [
        ("50.846700", "4.352500"),
        ("50.846800", "4.352600"),
        ("50.846600", "4.352400"),
    ]:
        SiteFactory(latitude=Decimal(lat), longitude=Decimal(lon))
    SiteFactory(latitude=Decimal("50.800000"), longitude=Decimal("4.300000"))
    page = new_page(locale="nl-BE")

    page.goto(f"{live_server.url}/nl/sites/")
    page.wait_for_selector("#catalogue-map[data-markers]")
    # The map fits the sites, then asks for that view once it has stopped moving.
    page.wait_for_timeout(600)
    page.wait_for_load_state("networkidle")
    cluster = page.locator("#catalogue-map .marker-cluster[aria-label]").first

    screenshot(page, "catalogue-map-server-clusters")
    assert page.locator("#catalogue-map").get_attribute("data-markers") == "4"
    assert cluster.get_attribute("aria-label") == "3 sites hier: zoom in om ze te zien"
    assert cluster.inner_text() == "3"
    with page.expect_request(lambda request: "bbox=" in request.url) as asked:
        cluster.click()
    assert "/nl/sites/map.json?zoom=" in asked.value.url
