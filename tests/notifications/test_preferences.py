"""Preferences per reader and kind (at once, daily, weekly, off), the digests, and the signed
unsubscribe link that works without signing in."""

import re

import pytest
from django.core import mail
from django.test import Client

from loket.notifications.models import Notification, NotificationPreference
from loket.notifications.preferences import (
    UnsubscribeToken,
    read_unsubscribe_token,
    set_frequency,
    unsubscribe_token,
)
from loket.notifications.services import notify, send_digests

from ..factories import caseworker

pytestmark = pytest.mark.django_db
PREFERENCES = "/{}/my/notifications/"


@pytest.fixture
def desk():
    return caseworker(preferred_language="fr", first_name="Camille")


def answer(user, transition, key):
    """A non-service message to the desk: an owner or holder answered."""
    return notify(
        recipient=user,
        kind="match_answer",
        context={"transition": transition.pk, "audience": "desk"},
        key=key,
    )


def test_a_kind_turned_off_writes_nothing_and_sends_nothing(
    desk, transition, django_capture_on_commit_callbacks
):
    assert set_frequency(desk, "match_answer", "off") is True

    with django_capture_on_commit_callbacks(execute=True):
        assert answer(desk, transition, "k1") is None

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_service_messages_cannot_be_turned_off(
    owner, desk, transition, django_capture_on_commit_callbacks
):
    assert set_frequency(owner, "match_proposed", "off") is False
    assert set_frequency(desk, "match_answer", "hourly") is False
    assert NotificationPreference.objects.count() == 0
    # Even a row written behind the domain's back does not stop a service message.
    NotificationPreference.objects.create(user=owner, kind="match_proposed", frequency="off")

    with django_capture_on_commit_callbacks(execute=True):
        row = notify(
            recipient=owner,
            kind="match_proposed",
            context={"transition": transition.pk, "audience": "owner"},
            key="k1",
        )

    row.refresh_from_db()
    assert (row.status, row.frequency) == ("sent", "immediate")
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_daily_digest_gathers_held_messages_once_in_the_readers_language(
    desk, transition, django_capture_on_commit_callbacks
):
    set_frequency(desk, "match_answer", "daily")
    with django_capture_on_commit_callbacks(execute=True):
        first = answer(desk, transition, "k1")
        second = answer(desk, transition, "k2")
    assert (first.status, second.status) == ("held", "held")
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests("weekly") == 0
        assert send_digests("daily") == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests("daily") == 0  # a second run sends nothing twice

    digest = Notification.objects.get(kind="digest")
    assert (digest.recipient, digest.language, digest.status) == (desk, "fr", "sent")
    assert sorted(digest.context["items"]) == [first.pk, second.pk]
    items = Notification.objects.filter(pk__in=[first.pk, second.pk])
    assert {(n.status, n.digest_id) for n in items} == {("digested", digest.pk)}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [desk.email]
    assert message.subject == "Loket : 2 nouveaux messages (Résumé quotidien)"
    assert message.body.startswith("Bonjour Camille,")
    # Each item appears once, without its own greeting or footer.
    assert message.body.count("Bonjour") == 1
    assert message.body.count("== Loket : un projet pour votre site") == 2
    assert "toujours envoyé" not in message.body
    assert message.body.count("/fr/my/notifications/") == 1
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert html.count("<html") == 1
    assert html.count("Loket : un projet pour votre site") == 2


def test_digests_are_one_per_reader_and_hold_only_their_messages(
    desk, transition, django_capture_on_commit_callbacks
):
    other = caseworker(preferred_language="nl", first_name="Jan")
    for user in (desk, other):
        set_frequency(user, "match_answer", "weekly")
    with django_capture_on_commit_callbacks(execute=True):
        mine = answer(desk, transition, "mine")
        theirs = [answer(other, transition, f"theirs{i}") for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests("weekly") == 2

    by_reader = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_reader) == sorted([desk.email, other.email])
    assert by_reader[other.email].subject == "Loket: 3 nieuwe berichten (Wekelijks overzicht)"
    assert by_reader[desk.email].subject == "Loket : 1 nouveau message (Résumé hebdomadaire)"
    digests = {n.recipient: n for n in Notification.objects.filter(kind="digest")}
    assert digests[desk].context["items"] == [mine.pk]
    assert sorted(digests[other].context["items"]) == sorted(n.pk for n in theirs)


def test_every_message_carries_the_preferences_and_unsubscribe_links(
    desk, transition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer(desk, transition, "k1")

    message = mail.outbox[0]
    link = re.search(
        r"http://127\.0\.0\.1:8000(/fr/my/notifications/unsubscribe/\S+/)", message.body
    )
    assert link is not None
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{link[1]}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://127.0.0.1:8000/fr/my/notifications/\n" in message.body
    token = link[1].rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == UnsubscribeToken(desk.pk, "match_answer")


def test_unsubscribe_link_asks_first_then_turns_the_kind_off_without_signing_in(
    desk, transition, django_capture_on_commit_callbacks
):
    url = f"/fr/my/notifications/unsubscribe/{unsubscribe_token(desk, 'match_answer')}/"
    client = Client(enforce_csrf_checks=True)  # a mail client's one-click post has no token

    page = client.get(url)
    assert page.status_code == 200
    assert "Ne plus envoyer" in page.content.decode()
    assert NotificationPreference.objects.count() == 0  # a link scanner's GET changes nothing

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "pe…@example.org" in done.content.decode()
    assert desk.email not in done.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "kind", "frequency")) == [
        (desk.pk, "match_answer", "off")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert answer(desk, transition, "after") is None
    assert mail.outbox == []


def test_unsubscribe_refuses_altered_tokens_and_service_kinds(owner, client):
    token = unsubscribe_token(owner, "match_proposed")
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.post(f"/nl/my/notifications/unsubscribe/{altered}/")
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()

    response = client.post(f"/nl/my/notifications/unsubscribe/{token}/")
    assert response.status_code == 200
    assert "kan niet worden uitgeschakeld" in response.content.decode()
    assert NotificationPreference.objects.count() == 0

    owner.is_active = False
    owner.save()
    other_kind = unsubscribe_token(owner, "site_to_review")
    assert client.get(f"/nl/my/notifications/unsubscribe/{other_kind}/").status_code == 404


def test_preferences_page_needs_sign_in(anonymous_client):
    response = anonymous_client.get(PREFERENCES.format("nl"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_preferences_page_offers_the_kinds_of_the_readers_role(holder_client, holder):
    page = holder_client.get(PREFERENCES.format("nl")).content.decode()

    assert 'name="saved_search_match"' in page
    assert 'name="match_answer"' not in page  # the desk's, not a holder's
    assert 'name="application_received"' not in page  # a service message: listed, not offered
    assert "Altijd verzonden" in page
    assert "Je aanvraag is ontvangen" in page


def test_preferences_page_saves_choices_and_rejects_unknown_values(
    caseworker_client, caseworker_user
):
    url = PREFERENCES.format("fr")

    bad = caseworker_client.post(url, {"match_answer": "hourly", "site_to_review": "daily"})
    assert bad.status_code == 200
    assert NotificationPreference.objects.count() == 0  # nothing half-saved
    page = bad.content.decode()
    assert re.search(r'<input[^>]*name="match_answer"[^>]*aria-invalid="true"', page)
    assert "Sélectionnez un choix valide" in page

    data = {"match_answer": "weekly", "site_to_review": "off", "application_new": "daily"}
    response = caseworker_client.post(url, data)
    assert (response.status_code, response["Location"]) == (302, url)
    saved = NotificationPreference.objects.filter(user=caseworker_user)
    assert dict(saved.values_list("kind", "frequency")) == data
    page = caseworker_client.get(url).content.decode()
    assert re.search(r'<input[^>]*name="match_answer" value="weekly"[^>]*checked', page)
    assert "Vos préférences d’e-mail sont enregistrées." in page


def test_held_messages_follow_a_new_choice(desk, transition, django_capture_on_commit_callbacks):
    set_frequency(desk, "match_answer", "weekly")
    with django_capture_on_commit_callbacks(execute=True):
        first = answer(desk, transition, "k1")
        second = answer(desk, transition, "k2")

    set_frequency(desk, "match_answer", "daily")
    assert set(Notification.objects.values_list("status", "frequency")) == {("held", "daily")}

    with django_capture_on_commit_callbacks(execute=True):
        set_frequency(desk, "match_answer", "immediate")
    assert [m.to for m in mail.outbox] == [[desk.email], [desk.email]]
    assert set(Notification.objects.values_list("pk", "status")) == {
        (first.pk, "sent"),
        (second.pk, "sent"),
    }

    set_frequency(desk, "match_answer", "weekly")
    with django_capture_on_commit_callbacks(execute=True):
        third = answer(desk, transition, "k3")
    set_frequency(desk, "match_answer", "off")
    third.refresh_from_db()
    assert third.status == "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests("weekly") == 0
    assert len(mail.outbox) == 2


def test_digest_items_speak_the_digests_language(
    desk, transition, django_capture_on_commit_callbacks
):
    set_frequency(desk, "match_answer", "daily")
    with django_capture_on_commit_callbacks(execute=True):
        answer(desk, transition, "k1")  # written while the reader reads French
    desk.preferred_language = "nl"
    desk.save()
    Notification.objects.update(language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        send_digests("daily")

    body = mail.outbox[0].body
    assert "== Loket: een project voor je site" in body
    assert "/fr/" not in body
