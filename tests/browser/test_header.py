"""The signed-in header fits in two rows at 1,280 px, for every persona and language: the
brand, who you act for and the language switcher on the first, the pages on the second."""

import pytest
from django.conf import settings

from loket.accounts.enums import Role

from ..conftest import login_client
from ..factories import MembershipFactory, OrganisationFactory, caseworker, member_of
from .conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# The header's parts, each with its top and bottom, and the height of the whole header.
MEASURE = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; };
  return {
    first: [...document.querySelectorAll('.header-inner > *')].map(box),
    second: [...document.querySelectorAll('.header-nav li')].map(box),
    height: document.querySelector('.site-header').getBoundingClientRect().height,
  };
}"""


def one_row(boxes: list) -> bool:
    """Every box shares a horizontal line with every other: nothing wrapped below."""
    return all(top < other_bottom for top, _ in boxes for _, other_bottom in boxes)


def persona(name: str):
    if name == "owner":
        return member_of(OrganisationFactory(name="Grondregie Stad Brussel"), role=Role.OWNER)
    if name == "holder":
        return member_of(OrganisationFactory(name="Collectif Canal Créatif asbl"), role=Role.HOLDER)
    # A caseworker who also acts for an organisation: the most the header holds.
    user = caseworker(email="desk@example.org")
    organisation = OrganisationFactory(name="citydev.brussels")
    MembershipFactory(user=user, organisation=organisation)
    user.active_organisation = organisation
    user.save(update_fields=["active_organisation"])
    return user


@pytest.mark.parametrize("who", ["owner", "holder", "caseworker"])
def test_signed_in_header_fits_two_rows_at_1280_px(live_server, new_page, who):
    user = persona(who)
    client = login_client(user, with_mfa=who == "caseworker")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    found = {}
    for language in ("nl", "fr", "en"):
        page.goto(f"{live_server.url}/{language}/")
        assert page.locator(".header-nav li").count() >= 7  # four pages and the person's own
        parts = page.evaluate(MEASURE)
        screenshot(page, f"header-{who}-{language}")
        found[language] = (one_row(parts["first"]), one_row(parts["second"]))
        assert parts["height"] <= 200, (language, parts["height"])
    assert found == {"nl": (True, True), "fr": (True, True), "en": (True, True)}
