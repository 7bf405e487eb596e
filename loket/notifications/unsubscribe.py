"""A fresh unsubscribe link, for a reader whose link is too old to work (see
`preferences.read_unsubscribe_token`). The expired page offers it; it goes to the reader's own
address through the outbox, in their language, at most once a day per kind."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User

from . import kinds
from .models import Notification
from .preferences import unsubscribe_token
from .services import notify

KIND = "unsubscribe_link"


def _load(context: dict) -> dict | None:
    """The kind to stop and a link made now, so it has its whole life ahead of it."""
    user = User.objects.filter(pk=context["user"], is_active=True).first()
    code = context["kind"]
    if user is None or code not in kinds.KINDS:
        return None
    token = unsubscribe_token(user, code)
    return {
        "target": kinds.get(code),
        "link": settings.PORTAL_URL + reverse("notifications:unsubscribe", args=[token]),
    }


@transaction.atomic
def unsubscribe_link_send(*, user: User, code: str) -> bool:
    """Queue a fresh link to stop kind `code` for `user`. The key names the day, so a second
    request the same day writes nothing and the page cannot be used to flood an inbox. Returns
    whether a message was written."""
    key = f"{KIND}:{user.pk}:{code}:{timezone.localdate().isoformat()}"
    if Notification.objects.filter(key=key).exists():
        return False
    notify(recipient=user, kind=KIND, context={"user": user.pk, "kind": code}, key=key)
    return True


def register_kinds() -> None:
    kinds.register(
        kinds.Kind(
            code=KIND,
            label=_("A new link to stop a kind of message"),
            template="notifications/email/unsubscribe_link",
            load=_load,
            # The reader asked for it; with no roles no preferences page offers it.
            service=True,
            roles=(),
        )
    )
