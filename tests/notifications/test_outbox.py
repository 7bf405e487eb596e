"""The outbox: rows written with the event, sent once after the commit, retried on transient
errors, failed on permanent ones, and recovered by the sweeper."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from loket.notifications import services
from loket.notifications.models import Notification
from loket.notifications.services import cancel, notify, resend, send, sweep
from loket.notifications.tasks import send_notification
from matching.models import MatchTransition

from ..ci import require
from ..factories import caseworker
from ..matching.helpers import fitting_pair, new_match

pytestmark = pytest.mark.django_db


def proposal(user, transition, key="k1"):
    return notify(
        recipient=user,
        kind="match_proposed",
        context={"transition": transition.pk, "audience": "owner"},
        key=key,
    )


def test_notify_sends_once_after_commit_in_the_recipients_language(
    owner, transition, django_capture_on_commit_callbacks
):
    owner.preferred_language = "fr"
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        first = proposal(owner, transition)
        again = proposal(owner, transition)

    row = Notification.objects.get()
    assert first.pk == again.pk == row.pk
    assert (row.status, row.attempts, row.language, row.last_error) == ("sent", 1, "fr", "")
    assert row.sent_at is not None
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert mail.outbox[0].subject.startswith("Loket : un projet pour votre site")
    assert f"/fr/my/proposals/{transition.match_id}/" in mail.outbox[0].body


def test_running_the_task_twice_sends_once(owner, transition):
    row = proposal(owner, transition)

    assert send_notification.apply(args=[row.pk]).get() == "sent"
    assert send_notification.apply(args=[row.pk]).get() == "skipped"

    assert len(mail.outbox) == 1
    assert Notification.objects.get().attempts == 1


def test_rolled_back_event_leaves_no_message(owner, transition, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        proposal(owner, transition)
        raise RuntimeError("the event failed")

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_broker_down_the_submit_succeeds_and_the_sweeper_sends_later(
    owner, transition, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        row = proposal(owner, transition)
    assert Notification.objects.get(pk=row.pk).status == "queued"
    assert mail.outbox == []
    monkeypatch.undo()

    assert sweep() == 0  # too recent: its own task may still be on the way
    assert sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 1

    assert Notification.objects.get(pk=row.pk).status == "sent"
    assert len(mail.outbox) == 1
    assert sweep(now=timezone.now() + datetime.timedelta(minutes=4)) == 0


def test_transient_error_is_retried_then_sent(owner, transition, settings):
    row = proposal(owner, transition)
    settings.EMAIL_BACKEND = "tests.notifications.backends.DisconnectingBackend"

    with pytest.raises(services.TransientSendError):
        send(row.pk)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "SMTPServerDisconnected" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(row.pk) == "sent"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_an_error_after_the_server_took_the_message_does_not_send_it_twice(
    owner, transition, settings
):
    row = proposal(owner, transition)
    settings.EMAIL_BACKEND = "tests.notifications.backends.TimeoutOnQuitBackend"

    assert send(row.pk) == "sent"
    assert send(row.pk) == "skipped"

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert len(mail.outbox) == 1


def test_transient_errors_give_up_after_the_last_attempt(owner, transition, settings):
    row = proposal(owner, transition)
    Notification.objects.filter(pk=row.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    settings.EMAIL_BACKEND = "tests.notifications.backends.DisconnectingBackend"

    assert send(row.pk) == "failed"
    assert Notification.objects.get(pk=row.pk).status == "failed"


def test_permanent_error_fails_and_the_desk_resends(
    owner, transition, settings, django_capture_on_commit_callbacks
):
    row = proposal(owner, transition)
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"

    assert send(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "SMTPRecipientsRefused" in row.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert resend(row) is True
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_cancelled_message_is_not_sent(owner, transition):
    row = proposal(owner, transition)

    assert cancel(row) is True
    assert send(row.pk) == "skipped"
    assert cancel(row) is False
    assert mail.outbox == []


def test_message_about_something_gone_is_cancelled(owner, transition):
    row = proposal(owner, transition)
    MatchTransition.objects.filter(pk=transition.pk).delete()

    assert send(row.pk) == "cancelled"
    assert Notification.objects.get(pk=row.pk).last_error == "What the message was about is gone."
    assert mail.outbox == []


def test_sweeper_takes_back_a_row_left_sending_by_a_dead_worker(owner, transition):
    row = proposal(owner, transition)
    stuck = timezone.now() - datetime.timedelta(minutes=11)
    Notification.objects.filter(pk=row.pk).update(status="sending", claimed_at=stuck)

    assert sweep() == 1

    assert Notification.objects.get(pk=row.pk).status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_two_sweepers_never_take_the_same_row(holder, owner):
    require(connection.vendor == "postgresql", "SKIP LOCKED needs PostgreSQL.")
    desk = caseworker()
    application, site = fitting_pair(
        holder_org=holder.memberships.get().organisation,
        owner_org=owner.memberships.get().organisation,
    )
    match = new_match(application, site, desk, to_state="proposed_owner")
    transition = MatchTransition.objects.get(match=match, to_state="proposed_owner")
    Notification.objects.all().delete()
    rows = [proposal(owner, transition, key=f"k{i}") for i in range(20)]
    # As if Redis had been down: every row still queued, five minutes on.
    Notification.objects.update(
        status="queued", sent_at=None, queued_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    mail.outbox.clear()
    taken = []
    barrier = threading.Barrier(2)

    def sweeper():
        try:
            barrier.wait(timeout=10)
            taken.append(sweep())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(taken) == len(rows)
    assert Notification.objects.filter(status="sent").count() == 20
    assert len(mail.outbox) == 20
