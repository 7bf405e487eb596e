"""Every public page passes axe-core in Dutch and in French, and says which language it is in."""

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import axe_violations, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PUBLIC_PAGES = [
    "pages:home",
    "pages:how_it_works",
    "pages:contact",
    "pages:privacy",
    "pages:accessibility",
    "account_login",
    "account_signup",
    "account_reset_password",
]


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_page_is_accessible_in_language(live_server, new_page, url_name, language):
    with translation.override(language):
        path = reverse(url_name)
    page = new_page(locale=f"{language}-BE")

    response = page.goto(live_server.url + path)

    screenshot(page, f"{url_name.replace(':', '-')}-{language}")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_language_choice_without_known_language_is_accessible(live_server, new_page):
    # A German-only browser: Loket cannot guess, so "/" shows the picker instead of redirecting.
    page = new_page(locale="de-DE", extra_http_headers={"Accept-Language": "de"})

    response = page.goto(live_server.url + "/")

    screenshot(page, "language-choice")
    assert response.status == 200
    assert page.url == live_server.url + "/"
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
