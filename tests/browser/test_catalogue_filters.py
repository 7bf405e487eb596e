"""The catalogue's filter form, written out in its template, passes axe-core with chosen and
wrong filters, and ties each error to its field."""

import pytest

from tests.factories import SiteFactory

from .conftest import axe_violations, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

CHOSEN = (
    "commune=21004&commune=21009&surface_min=100&kind=building&activity=cultural"
    "&economic_model=free&open_to_public=on&available_from=2027-01-01"
)
WRONG = (
    "surface_min=-1&commune=99999&kind=nope&available_from=2028-01-01&available_until=2027-01-01"
)


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize("query", [CHOSEN, WRONG], ids=["chosen", "wrong"])
def test_catalogue_filters_are_accessible(live_server, new_page, language, query):
    SiteFactory()
    page = new_page(locale=f"{language}-BE")

    page.goto(f"{live_server.url}/{language}/sites/?{query}")

    screenshot(page, f"catalogue-filters-{language}-{query[:12]}")
    assert axe_violations(page) == []


def test_each_wrong_filter_is_described_by_its_error(live_server, new_page):
    page = new_page(locale="en-BE")

    page.goto(f"{live_server.url}/en/sites/?{WRONG}")

    described = {
        name: page.locator(f"[name='{name}']").first.evaluate(
            "field => document.getElementById(field.getAttribute('aria-describedby')).innerText"
        )
        for name in ("surface_min", "kind", "available_until")
    }
    assert described == {
        "surface_min": "Ensure this value is greater than or equal to 0.",
        "kind": "Select a valid choice. That choice is not one of the available choices.",
        "available_until": "“Needed until” must not be before “needed from”.",
    }
    assert (
        page.locator("fieldset[aria-describedby='id_commune_error']")
        .inner_text()
        .count("Select a valid choice. 99999 is not one of the available choices.")
        == 1
    )
