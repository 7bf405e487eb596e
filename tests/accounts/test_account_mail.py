"""allauth's account messages go through the outbox: in the reader's language, in the portal's
look, written in the request's transaction and private (no preview, wiped once sent)."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.notifications import kinds, services
from loket.notifications.models import Notification

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "nadia@example.org",
    "password1": "a-Long-pass-phrase-42",
    "password2": "a-Long-pass-phrase-42",
    "first_name": "Nadia",
    "last_name": "Benali",
    "role": "owner",
}
ADMIN_URL = "/admin/notifications/notification/"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post as a browser would; the outbox queues (and, eagerly, sends) after the commit."""

    def run(path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return run


def link_in(message, path: str) -> str:
    """The link into the portal under `path`, made relative for the test client."""
    url = re.search(rf"https?://testserver({re.escape(path)}\S*)", message.body).group(1)
    return url


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_in_the_portals_look(message, language: str, link: str) -> None:
    html = html_of(message)
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in html
    # The layout once, not a layout inside a layout.
    assert html.count("<html") == 1
    assert html.count('color:#0b4f8a;">Loket</p>') == 1
    assert f'href="http://testserver{link}"' in html
    assert "<" not in message.body


def only_account_row() -> Notification:
    [row] = Notification.objects.filter(kind="account")
    return row


def test_the_account_kind_is_a_private_service_message_no_preference_page_offers():
    kind = kinds.get("account")
    assert kind.service and kind.private
    assert all(kind not in kinds.for_role(role) for role in Role.values)


def test_signup_in_dutch_sends_the_confirmation_through_the_outbox(client, post):
    response = post("/nl/accounts/signup/", {**SIGNUP, "preferred_language": "nl"})
    assert response.status_code == 302
    user = User.objects.get(email="nadia@example.org")
    row = only_account_row()
    # The address is fixed when the message is written: the link is for that address.
    assert (row.recipient, row.email, row.language, row.status) == (
        user,
        "nadia@example.org",
        "nl",
        "sent",
    )
    assert row.key.startswith("account:account/email/email_confirmation_signup:")
    # Sent: the link that signs its holder in is no longer kept.
    assert row.context == {}

    [message] = mail.outbox
    assert message.to == ["nadia@example.org"]
    assert message.subject == "[Loket] Bevestig je e-mailadres"
    assert message.extra_headers["Message-ID"].startswith(f"<notification.{row.pk}@")
    link = link_in(message, "/nl/accounts/confirm-email/")
    assert_in_the_portals_look(message, "nl", link)
    assert "Bevestig e-mailadres</a>" in html_of(message)
    # Greeting from the outbox, sign-off once, in the text as in the HTML.
    assert message.body.startswith("Beste Nadia,\n\n")
    assert message.body.count("Het loket tijdelijk gebruik – citydev.brussels") == 1
    assert html_of(message).count("Het loket tijdelijk gebruik – citydev.brussels") == 1

    page = client.get(link)
    assert page.status_code == 200
    # The confirm page, not "this link expired or is invalid".
    assert page.context["confirmation"].email_address.email == "nadia@example.org"
    assert '<form method="post"' in page.content.decode()


def test_signup_in_french_gets_the_confirmation_in_french_and_the_link_confirms(client, post):
    post("/fr/accounts/signup/", {**SIGNUP, "preferred_language": "fr"})
    row = only_account_row()
    assert (row.language, row.recipient.email) == ("fr", "nadia@example.org")
    [message] = mail.outbox
    assert message.subject == "[Loket] Confirmez votre adresse e-mail"
    link = link_in(message, "/fr/accounts/confirm-email/")
    assert_in_the_portals_look(message, "fr", link)
    # allauth's translation, or the portal's own (with a typographic apostrophe).
    assert re.search("Confirmer l['’]adresse e-mail</a>", html_of(message))

    page = client.get(link)
    assert page.context["confirmation"].email_address.email == "nadia@example.org"
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/profile/"
    assert User.objects.get(email="nadia@example.org").emailaddress_set.get().verified


def test_password_reset_goes_out_in_the_users_language_and_its_link_opens_the_form(client, post):
    user = UserFactory(email="known@example.org", preferred_language="fr", first_name="Lucie")
    response = post("/nl/accounts/password/reset/", {"email": "known@example.org"})
    assert response.status_code == 302
    row = only_account_row()
    assert (row.recipient, row.language, row.context) == (user, "fr", {})
    assert row.key.startswith("account:account/email/password_reset_key:")

    [message] = mail.outbox
    assert message.to == ["known@example.org"]
    assert message.subject == "[Loket] E-mail de réinitialisation de mot de passe"
    link = link_in(message, "/fr/accounts/password/reset/key/")
    assert_in_the_portals_look(message, "fr", link)
    assert "Réinitialiser mon mot de passe</a>" in html_of(message)
    assert message.body.startswith("Bonjour Lucie,\n\n")

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert 'name="password1"' in form.content.decode()


def test_password_reset_for_an_unknown_address_is_written_to_that_address(client, post):
    response = post("/fr/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    row = only_account_row()
    assert (row.recipient, row.email, row.language, row.status) == (
        None,
        "nobody@example.org",
        "fr",
        "sent",
    )
    assert row.context == {}

    [message] = mail.outbox
    assert message.to == ["nobody@example.org"]
    assert message.subject == "[Loket] Compte inconnu"
    link = link_in(message, "/fr/accounts/signup/")
    assert_in_the_portals_look(message, "fr", link)
    assert "Créer un compte</a>" in html_of(message)
    # No account, so no preferences to point to.
    assert "/my/notifications/" not in message.body
    assert client.get(link).status_code == 200


def test_signup_with_a_taken_address_tells_the_owner_in_their_language(post):
    existing = UserFactory(email="nadia@example.org", preferred_language="nl")
    post("/fr/accounts/signup/", {**SIGNUP, "preferred_language": "fr"})
    row = only_account_row()
    assert (row.recipient, row.language) == (existing, "nl")
    [message] = mail.outbox
    assert message.subject == "[Loket] Account bestaat al"
    link = link_in(message, "/nl/accounts/password/reset/")
    assert_in_the_portals_look(message, "nl", link)
    assert "Herstel mijn wachtwoord</a>" in html_of(message)


def test_each_sending_is_a_new_message(post):
    UserFactory(email="known@example.org", preferred_language="nl")
    post("/nl/accounts/password/reset/", {"email": "known@example.org"})
    post("/nl/accounts/password/reset/", {"email": "known@example.org"})
    assert Notification.objects.filter(kind="account", status="sent").count() == 2
    assert len(mail.outbox) == 2


def test_the_admin_shows_no_link_of_a_sent_account_message(post, caseworker_client):
    UserFactory(email="known@example.org", preferred_language="nl")
    post("/nl/accounts/password/reset/", {"email": "known@example.org"})
    row = only_account_row()
    key = link_in(mail.outbox[0], "/nl/accounts/password/reset/key/").rstrip("/").split("/")[-1]

    page = caseworker_client.get(f"{ADMIN_URL}{row.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert key not in html
    assert "/password/reset/key/" not in html


def test_with_redis_down_the_signup_succeeds_and_the_message_waits(post, monkeypatch):
    monkeypatch.setattr(services, "queue", lambda pk: False)
    response = post("/nl/accounts/signup/", {**SIGNUP, "preferred_language": "nl"})
    assert response.status_code == 302
    assert response["Location"] == "/nl/accounts/confirm-email/"
    assert User.objects.filter(email="nadia@example.org").exists()
    row = only_account_row()
    assert row.status == "queued"
    assert set(row.context) == {"subject", "text", "html"}
    assert mail.outbox == []

    # Redis is back: the sweeper sends what waited, and only then wipes it.
    monkeypatch.undo()
    later = row.queued_at + timedelta(hours=1)
    assert services.sweep(now=later) == 1
    row.refresh_from_db()
    assert (row.status, row.context) == ("sent", {})
    [message] = mail.outbox
    assert message.subject == "[Loket] Bevestig je e-mailadres"
    assert "/nl/accounts/confirm-email/" in message.body
