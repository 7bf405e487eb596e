"""Unsubscribe links live for `NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE`. An older link turns nothing
off; its page says why and offers a fresh link, sent through the outbox to the address the old
one was for, in the reader's language, at most once a day per kind."""

import re
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client

from loket.notifications.models import Notification, NotificationPreference
from loket.notifications.preferences import (
    UNSUBSCRIBE_SALT,
    UnsubscribeToken,
    read_unsubscribe_token,
    unsubscribe_token,
)

from ..factories import caseworker

pytestmark = pytest.mark.django_db

MAX_AGE = settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE
KIND = "match_answer"  # a kind the desk may turn off


def token_signed_ago(user, seconds: int, code: str = KIND) -> str:
    """A token as `unsubscribe_token` made it `seconds` ago."""

    class SignedThen(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds)

    signer = SignedThen(salt=UNSUBSCRIBE_SALT)
    return signer.sign_object({"u": user.pk, "k": code}, compress=True)


def page(token: str, lang: str = "en") -> str:
    return f"/{lang}/my/notifications/unsubscribe/{token}/"


def renew(token: str, lang: str = "en") -> str:
    return f"/{lang}/my/notifications/unsubscribe/{token}/new-link/"


@pytest.fixture
def desk():
    return caseworker(preferred_language="fr", first_name="Camille", email="camille@example.org")


def test_unsubscribe_token_made_now_reads_back(desk):
    assert read_unsubscribe_token(unsubscribe_token(desk, KIND)) == UnsubscribeToken(
        desk.pk, KIND, expired=False
    )


def test_unsubscribe_token_within_its_life_still_turns_the_kind_off(desk, client):
    token = token_signed_ago(desk, MAX_AGE - 3600)
    response = client.post(page(token))
    assert "Done: ca…@example.org will no longer receive" in response.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "kind", "frequency")) == [
        (desk.pk, KIND, "off")
    ]


def test_unsubscribe_token_past_its_life_gets_the_expired_page(desk, client):
    token = token_signed_ago(desk, MAX_AGE + 60)
    assert read_unsubscribe_token(token) == UnsubscribeToken(desk.pk, KIND, expired=True)

    response = client.get(page(token))

    assert response.status_code == 410
    html = response.content.decode()
    assert "This link is too old" in html
    assert (
        "A link to stop “An owner or a holder answered a proposal” works for 180 days after the "
        "e-mail that carried it. This one is older, so it changes nothing."
    ) in html
    assert "Send a new link to ca…@example.org" in html
    assert f'action="{renew(token)}"' in html
    assert 'href="/en/my/notifications/"' in html
    assert "camille@example.org" not in html


def test_unsubscribe_one_click_post_with_an_expired_token_changes_nothing(desk):
    token = token_signed_ago(desk, MAX_AGE + 60)
    response = Client(enforce_csrf_checks=True).post(page(token), {"List-Unsubscribe": "One-Click"})
    assert "This link is too old" in response.content.decode()
    assert NotificationPreference.objects.count() == 0


def test_unsubscribe_new_link_is_sent_once_in_the_readers_language_and_works(
    desk, client, django_capture_on_commit_callbacks
):
    old = token_signed_ago(desk, MAX_AGE + 60)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(renew(old))

    assert "A new link is on its way to ca…@example.org." in response.content.decode()
    assert list(Notification.objects.values_list("recipient", "kind", "language", "status")) == [
        (desk.pk, "unsubscribe_link", "fr", "sent")
    ]
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert message.subject == (
        "Loket : un nouveau lien pour ne plus recevoir « Un propriétaire ou un porteur de projet "
        "a répondu à une proposition »"
    )
    link = re.search(
        r"http://127\.0\.0\.1:8000(/fr/my/notifications/unsubscribe/\S+/)\n", message.body
    )
    assert link is not None
    fresh = link[1].rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(fresh) == UnsubscribeToken(desk.pk, KIND, expired=False)

    done = client.post(link[1])

    assert "ca…@example.org" in done.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "kind", "frequency")) == [
        (desk.pk, KIND, "off")
    ]


def test_unsubscribe_new_link_asked_twice_the_same_day_is_sent_once(
    desk, client, django_capture_on_commit_callbacks
):
    old = token_signed_ago(desk, MAX_AGE + 60)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(renew(old))
        again = client.post(renew(old))

    assert (
        "A new link was already sent to ca…@example.org today. Look for it in your inbox, or "
        "ask again tomorrow."
    ) in again.content.decode()
    assert Notification.objects.filter(kind="unsubscribe_link").count() == 1
    assert len(mail.outbox) == 1


def test_unsubscribe_new_link_refused_for_an_altered_token(desk, client):
    token = token_signed_ago(desk, MAX_AGE + 60)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.post(renew(altered))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert Notification.objects.count() == 0


def test_unsubscribe_new_link_for_a_link_still_valid_sends_nothing(desk, client):
    token = token_signed_ago(desk, MAX_AGE - 3600)

    response = client.post(renew(token))

    assert response["Location"] == page(token)
    assert Notification.objects.count() == 0


def test_unsubscribe_new_link_only_by_post(desk, client):
    response = client.get(renew(token_signed_ago(desk, MAX_AGE + 60)))
    assert (response.status_code, Notification.objects.count()) == (405, 0)


def test_unsubscribe_expired_page_in_dutch(desk, client):
    html = client.get(page(token_signed_ago(desk, MAX_AGE + 60), "nl")).content.decode()
    assert "Deze link is te oud" in html
    assert "Stuur een nieuwe link naar ca…@example.org" in html


def test_unsubscribe_new_link_message_in_dutch(desk, client, django_capture_on_commit_callbacks):
    desk.preferred_language = "nl"
    desk.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(renew(token_signed_ago(desk, MAX_AGE + 60)))

    [message] = mail.outbox
    assert message.subject == (
        "Loket: een nieuwe link om “Een eigenaar of projectdrager heeft op een voorstel "
        "geantwoord” stop te zetten"
    )
    assert message.body.startswith("Beste Camille,\n\n")
    assert "\n\n\n" not in message.body
    [(html, _mimetype)] = message.alternatives
    assert re.search(
        r'href="http://127\.0\.0\.1:8000/nl/my/notifications/unsubscribe/[^"]+/"', html
    )
