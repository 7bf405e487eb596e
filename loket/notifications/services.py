"""Writing, sending and recovering the outbox's messages. Domain functions call `notify`
inside their transaction; the Celery task and the sweeper call the rest."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from loket.accounts.models import User

from . import kinds
from .enums import Status
from .models import Notification

log = logging.getLogger(__name__)

# After this many attempts a transient error counts as permanent (the task's retries span
# about two hours with the backoff).
MAX_ATTEMPTS = 8
# SMTP answers worth another try later; anything else is permanent.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
)


class TransientSendError(Exception):
    """The message could not go out now; the task retries it with backoff."""


def notify(*, recipient: User, kind: str, context: dict, key: str) -> Notification:
    """Put a message in the outbox, in the recipient's language, and send it after the commit.

    Call it inside the transaction of the event: the row exists if and only if the event does.
    `key` names the event for this recipient; a second call with the same key adds nothing.
    Queuing never fails the caller: with Redis down the row waits for the sweeper.
    """
    kinds.get(kind)  # an unknown kind is a programming error: fail now, not in the worker
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "kind": kind,
            "language": recipient.preferred_language or settings.LANGUAGE_CODE,
            "context": context,
            "queued_at": timezone.now(),
        },
    )
    if created:
        transaction.on_commit(lambda: queue(notification.pk), robust=True)
    return notification


def notify_all(recipients: list[tuple[User, str]], *, context: dict, key: str) -> int:
    """`notify` each (user, kind) of one event, named by `key` (the user is added to it)."""
    for user, kind in recipients:
        notify(recipient=user, kind=kind, context=context, key=f"{key}:{user.pk}")
    return len(recipients)


def queue(pk: int) -> bool:
    """Hand one row to Celery. A broker outage is logged and left to the sweeper."""
    from .tasks import send_notification

    try:
        send_notification.delay(pk)
    except Exception:  # kombu raises many kinds; none may reach the user's request
        log.warning("Notification %s not queued; the sweeper will retry it.", pk, exc_info=True)
        return False
    return True


def render(notification: Notification) -> tuple[str, str] | None:
    """(subject, body) in the recipient's language, or None when the subject matter is gone."""
    kind = kinds.get(notification.kind)
    with translation.override(notification.language):
        context = kind.load(notification.context)
        if context is None:
            return None
        context = {**context, "recipient": notification.recipient, "notification": notification}
        subject = render_to_string(f"{kind.template}_subject.txt", context).strip()
        body = render_to_string(f"{kind.template}_message.txt", context)
    return " ".join(subject.split()), body


def send(pk: int) -> str:
    """Claim the row, render it, send it and mark it sent. Returns the status it ends in.

    Only a row still queued is claimed (compare and swap), so a second task for the same row,
    or a task for a sent or cancelled one, returns quietly. A transient error puts the row back
    to queued and raises TransientSendError for the task to retry; a permanent one marks it
    failed, with the error, for the desk to see and resend.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(pk=pk, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    try:
        rendered = render(notification)
        if rendered is None:
            _finish(pk, Status.CANCELLED, error="What the message was about is gone.")
            return Status.CANCELLED
        subject, body = rendered
        EmailMessage(
            subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email]
        ).send()
    except TRANSIENT_ERRORS as error:
        if notification.attempts >= MAX_ATTEMPTS:
            _finish(pk, Status.FAILED, error=repr(error))
            return Status.FAILED
        _finish(pk, Status.QUEUED, error=repr(error), queued_at=timezone.now())
        raise TransientSendError(repr(error)) from error
    except Exception as error:  # a refused address, a template bug: retrying will not help
        _finish(pk, Status.FAILED, error=repr(error))
        return Status.FAILED
    _finish(pk, Status.SENT, sent_at=timezone.now())
    return Status.SENT


def _finish(pk: int, status: str, *, error: str = "", **fields) -> None:
    Notification.objects.filter(pk=pk, status=Status.SENDING).update(
        status=status, last_error=error, claimed_at=None, **fields
    )


def sweep(*, now=None, limit: int = 500) -> int:
    """Queue again what is still waiting: rows queued a while ago and not sent (Redis was down,
    the task was lost) and rows stuck in "sending" (the worker died); the two delays are
    settings. `SKIP LOCKED` lets two sweepers run at once without taking the same row."""
    now = now or timezone.now()
    requeue_after = timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER)
    sending_timeout = timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.QUEUED, queued_at__lt=now - requeue_after)
                | Q(status=Status.SENDING, claimed_at__lt=now - sending_timeout)
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=rows).update(
            status=Status.QUEUED, queued_at=now, claimed_at=None
        )
    for pk in rows:
        queue(pk)
    return len(rows)


def resend(notification: Notification) -> bool:
    """The desk sends a failed or cancelled message again."""
    changed = Notification.objects.filter(
        pk=notification.pk, status__in=[Status.FAILED, Status.CANCELLED]
    ).update(status=Status.QUEUED, queued_at=timezone.now(), last_error="")
    if changed:
        transaction.on_commit(lambda: queue(notification.pk), robust=True)
    return bool(changed)


def cancel(notification: Notification) -> bool:
    """The desk stops a message that has not gone out yet."""
    return bool(
        Notification.objects.filter(pk=notification.pk, status=Status.QUEUED).update(
            status=Status.CANCELLED
        )
    )
