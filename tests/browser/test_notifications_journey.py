"""Issue 6's reader journey in a real browser: a holder stops a kind of message from the link
in an e-mail without signing in (FR), then signs in and chooses a digest on the preferences
page with the keyboard only (NL). The e-mail's own HTML is checked with axe-core too."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from loket.accounts.enums import Role
from loket.notifications.models import Notification, NotificationPreference
from loket.notifications.preferences import unsubscribe_token
from loket.notifications.services import notify
from tests import factories

from .conftest import no_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


# An e-mail is not a web page: mail clients drop landmark roles, so these two best-practice
# rules (not WCAG success criteria) are left out for the e-mail's HTML only.
EMAIL_SKIPPED_RULES = ("landmark-one-main", "region")


def test_holder_stops_a_kind_from_the_mail_then_chooses_a_digest(live_server, new_page):
    base = live_server.url
    holder = factories.member_of(
        factories.OrganisationFactory(name="Collectif Senne"),
        role=Role.HOLDER,
        preferred_language="fr",
        email="porteur@example.org",
        first_name="Inès",
    )

    # 0. The e-mail itself, as a mail client shows it: its HTML passes axe in both languages.
    application = factories.ApplicationFactory(
        organisation=holder.active_organisation, complete=True, reference="LTG-2026-0042"
    )
    for language in ("fr", "nl"):
        holder.preferred_language = language
        holder.save()
        row = notify(
            recipient=holder,
            kind="application_renewal",
            context={"application": application.pk},
            key=f"journey:{language}",
        )
        row.refresh_from_db()  # no transaction around the test: sent at once, eagerly
        assert (row.status, mail.outbox[-1].to) == ("sent", [holder.email])
        page = new_page(locale=f"{language}-BE")
        page.set_content(mail.outbox[-1].alternatives[0][0])
        no_violations(page, f"notifications-0-email-{language}", skip_rules=EMAIL_SKIPPED_RULES)

    # 1. From the link in an e-mail, without signing in: the page asks, then stops the kind.
    page = new_page(locale="fr-BE")
    token = unsubscribe_token(holder, "saved_search_match")
    page.goto(f"{base}/fr/my/notifications/unsubscribe/{token}/")
    expect(page.locator("h1")).to_have_text("Ne plus recevoir un type de message")
    no_violations(page, "notifications-1-unsubscribe-fr")
    assert NotificationPreference.objects.count() == 0
    page.get_by_role("button", name="Arrêter ces messages").click()
    expect(page.locator("[role=status]")).to_contain_text("po…@example.org")
    no_violations(page, "notifications-2-unsubscribed-fr")
    assert list(NotificationPreference.objects.values_list("kind", "frequency")) == [
        ("saved_search_match", "off")
    ]

    # 2. Signed in, in Dutch, with the keyboard only: the choice shows, and becomes a digest.
    page = new_page(locale="nl-BE")
    page.goto(f"{base}/nl/accounts/login/?next=/nl/my/notifications/")
    page.locator("[name='login']").fill(holder.email)
    page.locator("[name='password']").fill(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("E-mailvoorkeuren")
    off = page.locator("input[name='saved_search_match'][value='off']")
    expect(off).to_be_checked()
    no_violations(page, "notifications-3-preferences-nl")
    off.focus()
    page.keyboard.press("ArrowUp")  # from "Off" to "Weekly digest"
    page.keyboard.press("ArrowUp")  # to "Daily digest"
    expect(page.locator("input[name='saved_search_match'][value='daily']")).to_be_checked()
    page.locator("main form button[type='submit']").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Je e-mailvoorkeuren zijn bewaard.")
    no_violations(page, "notifications-4-saved-nl")
    assert list(NotificationPreference.objects.values_list("kind", "frequency")) == [
        ("saved_search_match", "daily")
    ]
    assert Notification.objects.filter(status="sent").count() == 2
