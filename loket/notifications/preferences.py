"""What each reader asked for: at once, in a daily or weekly digest, or not at all, per kind of
message; and the signed link that turns a kind off without signing in."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from . import kinds
from .enums import Frequency, Status
from .models import Notification, NotificationPreference

UNSUBSCRIBE_SALT = "loket.notifications.unsubscribe"


def frequency_for(user, code: str) -> str:
    """How `user` gets messages of kind `code` now; service messages always at once."""
    if kinds.get(code).service:
        return Frequency.IMMEDIATE
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=code)
        .values_list("frequency", flat=True)
        .first()
    )
    return chosen or Frequency.IMMEDIATE


def preferences_of(user) -> dict[str, str]:
    """{kind code: frequency} for every kind the user's role receives (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {
        kind.code: Frequency.IMMEDIATE
        if kind.service
        else chosen.get(kind.code, Frequency.IMMEDIATE)
        for kind in kinds.for_role(user.role)
    }


@transaction.atomic
def set_frequency(user, code: str, frequency: str) -> bool:
    """Record a choice; refused (False) for a service message, which cannot be changed."""
    if kinds.get(code).service or frequency not in Frequency.values:
        return False
    NotificationPreference.objects.update_or_create(
        user=user, kind=code, defaults={"frequency": frequency}
    )
    _follow_choice(user, code, frequency)
    return True


def _follow_choice(user, code: str, frequency: str) -> None:
    """Messages of that kind already held for a digest follow the new choice: sent at once,
    dropped, or moved to the other digest."""
    # .services imports this module at load: importing it at the top would be circular.
    from .services import queue

    held = Notification.objects.filter(recipient=user, kind=code, status=Status.HELD)
    if frequency == Frequency.OFF:
        held.update(status=Status.CANCELLED, last_error="Turned off by the reader.")
    elif frequency == Frequency.IMMEDIATE:
        pks = list(held.values_list("pk", flat=True))
        held.update(status=Status.QUEUED, frequency=frequency, queued_at=timezone.now())
        for pk in pks:
            transaction.on_commit(lambda pk=pk: queue(pk), robust=True)
    else:
        held.update(frequency=frequency)


@dataclass(frozen=True)
class UnsubscribeToken:
    """What a genuine token names. `expired` once it is older than
    `settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE`: it then turns nothing off, but it still
    names who may be sent a fresh link."""

    user_pk: int
    code: str
    expired: bool = False


def unsubscribe_token(user, code: str) -> str:
    """A signed token naming one reader and one kind, for the link in e-mails. It carries the
    time it was made (`signing.dumps` always stamps it), so it works for a limited time."""
    return signing.dumps({"u": user.pk, "k": code}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeToken | None:
    """The token's reader and kind, or None when it was altered or names no kind."""
    expired = False
    try:
        try:
            data = signing.loads(
                token, salt=UNSUBSCRIBE_SALT, max_age=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE
            )
        except signing.SignatureExpired:
            # Signed by us, only too old: read it without the age limit.
            data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
            expired = True
        user_pk, code = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if code not in kinds.KINDS:
        return None
    return UnsubscribeToken(user_pk, code, expired)
