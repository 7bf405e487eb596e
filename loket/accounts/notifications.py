"""Account messages (allauth's: confirm an address, reset a password…) go through the outbox
like every other message. `AccountAdapter.send_mail` renders them at once, because they hold a
secret that only exists in the request, and stores the parts; this kind gives them back."""

from django.utils.translation import gettext_lazy as _

from loket.notifications import kinds

PARTS = ("subject", "text", "html")


def _load(context: dict) -> dict | None:
    """The stored parts; None once they are wiped (the message went out)."""
    if not context.get("subject"):
        return None
    return {part: context.get(part, "") for part in PARTS}


def register_kinds() -> None:
    kinds.register(
        kinds.Kind(
            code="account",
            label=_("Account messages (address confirmation, password reset)"),
            template="notifications/email/account",
            load=_load,
            # Nobody may turn them off, and with no roles no preferences page offers them.
            service=True,
            roles=(),
            # A confirmation or reset link signs its holder in.
            private=True,
        )
    )
