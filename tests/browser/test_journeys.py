"""What people do in a real browser: move by keyboard, switch language, sign up, open the admin."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib import admin
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from loket.accounts.enums import Role
from loket.accounts.models import User
from tests import factories

from .conftest import axe_violations, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+")


def submit_form_of(page: Page, field_name: str) -> None:
    """Click the submit button of the form that holds the field `field_name`."""
    form = page.locator("form", has=page.locator(f"[name='{field_name}']"))
    form.locator("button[type='submit']:not([form])").first.click()


def current_totp_code(secret: str) -> str:
    """The authenticator app's code for now, never one that expires while it is being typed."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(live_server, page):
    page.goto(live_server.url + "/nl/")

    page.keyboard.press("Tab")

    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile(r"\bskip-link\b"))
    expect(focused).to_be_visible()
    expect(focused).to_be_in_viewport()
    box = focused.bounding_box()
    # A visually hidden link (clipped to one pixel) would pass the two checks above.
    assert box["width"] > 10 and box["height"] > 10, box
    screenshot(page, "skip-link-focused")

    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/nl/#main")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher_keeps_the_page(live_server, page):
    page.goto(live_server.url + "/nl/how-it-works/")

    page.get_by_role("link", name="Français", exact=True).click()

    expect(page).to_have_url(live_server.url + "/fr/how-it-works/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "how-it-works-after-switch-fr")


def test_signup_verify_and_sign_in_in_french(live_server, new_page):
    email = "amelie.dupont@example.org"
    page = new_page(locale="fr-BE")
    page.goto(live_server.url + "/fr/accounts/signup/")

    # Fields are found by name: the French catalogue may lag behind the templates.
    page.locator("[name='email']").fill(email)
    page.locator("[name='password1']").fill("Zinneke-Atelier-2025")
    page.locator("[name='password2']").fill("Zinneke-Atelier-2025")
    page.locator("[name='first_name']").fill("Amélie")
    page.locator("[name='last_name']").fill("Dupont")
    page.locator("[name='role'][value='holder']").check()
    page.locator("[name='preferred_language']").select_option("fr")
    screenshot(page, "signup-filled-fr")
    submit_form_of(page, "password1")

    expect(page).to_have_url(re.compile(r"/fr/accounts/confirm-email/$"))
    screenshot(page, "signup-verification-sent-fr")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url + "/fr/"), link

    page.goto(link)
    screenshot(page, "signup-confirm-fr")
    page.locator("main form[method='post'] button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/fr/accounts/profile/$"))
    screenshot(page, "signup-signed-in-fr")
    user = User.objects.get(email=email)
    assert (user.first_name, user.last_name) == ("Amélie", "Dupont")
    assert user.role == Role.HOLDER
    assert user.preferred_language == "fr"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        (email, True)
    ]


def test_caseworker_opens_admin_with_password_and_totp(live_server, page):
    email = "caseworker@example.org"
    factories.caseworker(email=email)

    page.goto(live_server.url + "/admin/")

    expect(page).to_have_url(re.compile(r"/nl/accounts/login/\?next=(/|%2F)admin(/|%2F)$"))
    screenshot(page, "admin-login-nl")
    assert axe_violations(page) == []
    page.locator("[name='login']").fill(email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    submit_form_of(page, "password")

    expect(page).to_have_url(re.compile(r"/nl/accounts/2fa/authenticate/"))
    screenshot(page, "admin-totp-nl")
    assert axe_violations(page) == []
    page.locator("[name='code']").fill(current_totp_code(factories.TOTP_SECRET))
    submit_form_of(page, "code")

    expect(page).to_have_url(live_server.url + "/admin/")
    with translation.override("nl"):
        site_header = str(admin.site.site_header)
    expect(page.locator("#site-name")).to_have_text(site_header)
    expect(page.locator("body")).to_have_class(re.compile(r"\bdashboard\b"))
    screenshot(page, "admin-index-nl")
