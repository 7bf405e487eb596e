"""A new caseworker signs in with a password only, in Dutch and in French: every page says that
their desk powers wait for the second factor, another owner's draft is a 404, and the banner's
link (reached with the keyboard) leads to the authenticator set-up. axe checks each page."""

import pytest

from loket.accounts.enums import Role
from loket.accounts.services import user_set_role
from tests import factories

from .conftest import axe_violations, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

BANNER = {
    "nl": "Je bent aangemeld zonder je tweede factor",
    "fr": "Vous êtes connecté sans votre second facteur",
}
SET_UP = {
    "nl": "Stel een authenticatie-app in",
    "fr": "Configurez une application d’authentification",
}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_caseworker_without_second_factor_has_no_desk_powers(live_server, new_page, language):
    base = live_server.url
    caseworker = factories.UserFactory(email=f"nieuw-{language}@example.org")
    user_set_role(user=caseworker, role=Role.CASEWORKER)
    draft = factories.SiteFactory(state="draft", title_nl="Verborgen depot", title_fr="Dépôt caché")
    page = new_page(locale=f"{language}-BE")

    page.goto(f"{base}/{language}/accounts/login/")
    page.locator("[name='login']").fill(caseworker.email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.locator("main form button[type='submit']").first.click()
    page.wait_for_url(f"{base}/{language}/accounts/profile/")

    banner = page.locator("#second-factor-needed")
    assert BANNER[language] in banner.inner_text()
    screenshot(page, f"second-factor-banner-{language}")
    assert axe_violations(page) == []

    response = page.goto(f"{base}/{language}/my/sites/{draft.pk}/where/")
    assert response.status == 404
    assert "Verborgen depot" not in page.content() and "Dépôt caché" not in page.content()

    page.goto(f"{base}/{language}/accounts/profile/")
    link = page.locator("#second-factor-needed a")
    assert link.inner_text() == SET_UP[language]
    link.focus()
    page.keyboard.press("Enter")
    # allauth asks for the password again before a new authenticator is set up.
    page.wait_for_url(f"{base}/{language}/accounts/reauthenticate/**")
    assert axe_violations(page) == []
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/{language}/accounts/2fa/totp/activate/**")
    screenshot(page, f"second-factor-activate-{language}")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
