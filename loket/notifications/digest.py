"""The digest: one e-mail that gathers a reader's held messages (daily or weekly)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import kinds
from .enums import Frequency
from .models import Notification
from .services import render


def _load(context: dict) -> dict | None:
    rows = list(
        Notification.objects.filter(pk__in=context["items"])
        .select_related("recipient")
        .order_by("pk")
    )
    for row in rows:
        # In the digest's language, even if the reader changed theirs since the row was written.
        row.language = translation.get_language()
    items = [r for r in (render(row, embedded=True) for row in rows) if r]
    if not items:
        return None
    return {"items": items, "frequency": Frequency(context["frequency"]).label}


def register_kinds() -> None:
    kinds.register(
        kinds.Kind(
            code="digest",
            label=_("Digest of your messages"),
            template="notifications/email/digest",
            load=_load,
            # Its items were each allowed by the reader's preferences already.
            service=True,
        )
    )
