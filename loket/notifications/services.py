"""Writing, sending and recovering the outbox's messages. Domain functions call `notify`
inside their transaction; the Celery task and the sweeper call the rest."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from itertools import groupby
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from loket.accounts.models import User

from . import kinds
from .enums import Frequency, Status
from .models import Notification
from .preferences import frequency_for, unsubscribe_token

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


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    # The one-click link that turns this kind off; empty for service messages.
    unsubscribe_url: str = ""


def notify(
    *, recipient: User, kind: str, context: dict, key: str, email: str = ""
) -> Notification | None:
    """Put a message in the outbox, in the recipient's language, and send it after the commit.

    Call it inside the transaction of the event: the row exists if and only if the event does.
    `key` names the event for this recipient; a second call with the same key adds nothing.
    Queuing never fails the caller: with Redis down the row waits for the sweeper.
    The recipient's preference decides: at once (queued), held for a digest, or nothing at all
    (None) when they turned the kind off. Service messages always go at once. `email` fixes
    the address now (an account message must reach the address it was asked for).
    """
    frequency = frequency_for(recipient, kind)  # an unknown kind fails here, not in the worker
    if frequency == Frequency.OFF:
        return None
    immediate = frequency == Frequency.IMMEDIATE
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "recipient": recipient,
            "email": email,
            "kind": kind,
            "language": recipient.preferred_language or settings.LANGUAGE_CODE,
            "context": context,
            "frequency": frequency,
            "status": Status.QUEUED if immediate else Status.HELD,
            "queued_at": timezone.now(),
        },
    )
    if created and immediate:
        transaction.on_commit(lambda: queue(notification.pk), robust=True)
    return notification


def notify_address(*, email: str, language: str, kind: str, context: dict, key: str):
    """A message to an address with no account behind it (an account message), at once."""
    kinds.get(kind)
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "email": email,
            "kind": kind,
            "language": language,
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
    # .tasks imports this module at load: importing it at the top would be circular.
    from .tasks import send_notification

    try:
        send_notification.delay(pk)
    except Exception:  # kombu raises many kinds; none may reach the user's request
        log.warning("Notification %s not queued; the sweeper will retry it.", pk, exc_info=True)
        return False
    return True


def render(notification: Notification, *, embedded: bool = False) -> Rendered | None:
    """The message in the recipient's language, or None when the subject matter is gone.

    The plain text is the kind's text followed by the shared footer; the HTML extends the
    shared layout, which carries the same footer. `embedded` leaves out the greeting, the
    layout and the footer: a digest puts several messages in one.
    """
    kind = kinds.get(notification.kind)
    with translation.override(notification.language):
        context = kind.load(notification.context)
        if context is None:
            return None
        recipient = notification.recipient
        unsubscribe_url = ""
        if recipient is not None and not kind.service:
            token = unsubscribe_token(recipient, kind.code)
            unsubscribe_url = settings.PORTAL_URL + reverse(
                "notifications:unsubscribe", args=[token]
            )
        context = {
            **context,
            "recipient": recipient,
            "notification": notification,
            "kind": kind,
            "embedded": embedded,
            "portal_url": settings.PORTAL_URL + reverse("pages:home"),
            "preferences_url": (
                settings.PORTAL_URL + reverse("notifications:preferences") if recipient else ""
            ),
            "unsubscribe_url": unsubscribe_url,
            # The footer's note under messages that cannot be turned off (not under a digest,
            # whose items each could be).
            "always_sent": kind.service and kind.code != "digest",
        }
        subject = " ".join(render_to_string(f"{kind.template}_subject.txt", context).split())
        context["subject"] = subject  # the HTML's title and heading
        text = render_to_string(f"{kind.template}_message.txt", context).strip() + "\n"
        if not embedded:
            text += render_to_string("notifications/email/footer.txt", context)
        html = render_to_string(f"{kind.template}_message.html", context)
    return Rendered(subject, text, html, unsubscribe_url)


def build_message(notification: Notification, rendered: Rendered) -> EmailMultiAlternatives:
    """The e-mail: plain text with an HTML alternative. Its Message-ID names the row, so a
    copy sent twice (see `send`) is recognisably the same message."""
    domain = urlsplit(settings.PORTAL_URL).hostname or "loket.brussels"
    headers = {"Message-ID": f"<notification.{notification.pk}@{domain}>"}
    if rendered.unsubscribe_url:
        # RFC 8058: mail clients offer a one-click unsubscribe that posts to this address.
        headers["List-Unsubscribe"] = f"<{rendered.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        rendered.subject,
        rendered.text,
        settings.DEFAULT_FROM_EMAIL,
        [notification.address],
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


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
        _deliver(build_message(notification, rendered))
    except TRANSIENT_ERRORS as error:
        if notification.attempts >= MAX_ATTEMPTS:
            _finish(pk, Status.FAILED, error=repr(error))
            return Status.FAILED
        _finish(pk, Status.QUEUED, error=repr(error), queued_at=timezone.now())
        raise TransientSendError(repr(error)) from error
    except Exception as error:  # a refused address, a template bug: retrying will not help
        _finish(pk, Status.FAILED, error=repr(error))
        return Status.FAILED
    # The window between the server accepting the message and this update is the only place
    # where a worker's death makes a duplicate (the sweeper sends the row again).
    _finish(pk, Status.SENT, sent_at=timezone.now())
    return Status.SENT


def _deliver(message: EmailMultiAlternatives) -> None:
    """Send on a connection opened here, so that an error while closing it (a timeout on QUIT,
    after the server took the message) is logged instead of sending the message twice."""
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        try:
            connection.close()
        except Exception:
            log.warning("Closing the mail connection failed after sending.", exc_info=True)


def _finish(pk: int, status: str, *, error: str = "", **fields) -> None:
    """Leave "sending". A message holding a secret keeps it only while it may still go out:
    sent, failed or cancelled, its context is wiped (a resend then finds nothing to send)."""
    if status != Status.QUEUED:
        kind = Notification.objects.filter(pk=pk).values_list("kind", flat=True).first()
        if kind in kinds.KINDS and kinds.get(kind).private:
            fields["context"] = {}
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
    wipe = {"context": {}} if kinds.get(notification.kind).private else {}
    return bool(
        Notification.objects.filter(pk=notification.pk, status=Status.QUEUED).update(
            status=Status.CANCELLED, **wipe
        )
    )


def send_digests(frequency: str, *, now=None) -> int:
    """Gather each reader's held messages of that frequency into one digest, queued at once.

    Run by beat (daily and weekly). Idempotent: the rows are taken under `SKIP LOCKED` and
    leave "held" in the same transaction, and the digest's key names its first row, so a
    second run finds nothing to send. Returns the number of digests written.
    """
    now = now or timezone.now()
    written = []
    with transaction.atomic():
        held = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.HELD, frequency=frequency, recipient__is_active=True)
            .select_related("recipient")
            .order_by("recipient_id", "pk")
        )
        for _recipient_pk, rows in groupby(held, key=lambda n: n.recipient_id):
            rows = list(rows)
            recipient = rows[0].recipient
            digest, created = Notification.objects.get_or_create(
                key=f"digest:{frequency}:{recipient.pk}:{rows[0].pk}",
                defaults={
                    "recipient": recipient,
                    "kind": "digest",
                    "language": recipient.preferred_language or settings.LANGUAGE_CODE,
                    "context": {"frequency": frequency, "items": [n.pk for n in rows]},
                    "queued_at": now,
                },
            )
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                status=Status.DIGESTED, digest=digest
            )
            if created:
                written.append(digest.pk)
                transaction.on_commit(lambda pk=digest.pk: queue(pk), robust=True)
    return len(written)
