"""The outbox in the admin: filters, the preview, resend and cancel; for the desk only."""

import pytest
from django.core import mail

from loket.notifications.models import Notification
from loket.notifications.services import notify

pytestmark = pytest.mark.django_db
URL = "/admin/notifications/notification/"


@pytest.fixture
def rows(owner, transition):
    def make(n):
        return notify(
            recipient=owner,
            kind="match_proposed",
            context={"transition": transition.pk, "audience": "owner"},
            key=f"test:{n}",
        )

    return make


def test_outbox_is_closed_to_anonymous_owners_and_holders(
    rows, anonymous_client, owner_client, holder_client
):
    row = rows(1)
    for client in (anonymous_client, owner_client, holder_client):
        for url in (URL, f"{URL}{row.pk}/change/"):
            response = client.get(url)
            assert response.status_code == 302
            assert "/login/" in response["Location"]


def test_list_filters_by_status_in_constant_queries(
    rows, caseworker_client, django_assert_num_queries
):
    first = rows(1)
    Notification.objects.filter(pk=first.pk).update(status="failed")
    caseworker_client.get(URL)  # warm the session and the permission caches
    with django_assert_num_queries(10) as one:
        response = caseworker_client.get(URL + "?status__exact=failed")
    assert [n.pk for n in response.context["cl"].result_list] == [first.pk]
    for n in range(2, 12):
        Notification.objects.filter(pk=rows(n).pk).update(status="failed")

    with django_assert_num_queries(len(one.captured_queries)):
        response = caseworker_client.get(URL + "?status__exact=failed")
    assert len(response.context["cl"].result_list) == 11


def test_preview_shows_the_message_in_the_recipients_language(rows, owner, caseworker_client):
    owner.preferred_language = "nl"
    owner.save()
    row = rows(1)

    page = caseworker_client.get(f"{URL}{row.pk}/change/").content.decode()

    assert "Loket: een project voor je site" in page
    assert "/nl/my/proposals/" in page


def test_resend_and_cancel_actions(rows, caseworker_client, django_capture_on_commit_callbacks):
    failed, queued = rows(1), rows(2)
    Notification.objects.filter(pk=failed.pk).update(status="failed", last_error="550")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        caseworker_client.post(
            URL, {"action": "resend_selected", "_selected_action": [failed.pk]}, follow=True
        )
    caseworker_client.post(
        URL, {"action": "cancel_selected", "_selected_action": [queued.pk]}, follow=True
    )

    assert dict(Notification.objects.values_list("pk", "status")) == {
        failed.pk: "sent",
        queued.pk: "cancelled",
    }
    assert len(mail.outbox) == 1


def test_the_list_cannot_be_filtered_on_a_messages_context(rows, caseworker_client):
    rows(1)

    response = caseworker_client.get(URL + "?context__audience__icontains=own")

    # A refused lookup is a suspicious request: Django answers 400 and lists nothing.
    assert response.status_code == 400
    assert "result_list" not in response.content.decode()
    allowed = caseworker_client.get(URL + "?status__exact=queued")
    assert len(allowed.context["cl"].result_list) == 1


def test_an_account_message_that_fails_loses_its_secret(settings):
    from loket.notifications.services import notify_address, send

    row = notify_address(
        email="someone@example.org",
        language="fr",
        kind="account",
        context={"subject": "[Loket] Reset", "text": "https://x/reset/key/abc", "html": ""},
        key="account:test",
    )
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"

    assert send(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.status, row.context) == ("failed", {})
