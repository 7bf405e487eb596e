"""The kinds of message the outbox knows: how each loads its context and which templates
render it. Each app registers its own kinds here (`register`), so the outbox stays ignorant of
matches, sites and applications."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise
    # templates/<template>_subject.txt, _message.txt (plain text) and _message.html (which
    # extends notifications/email/base.html), rendered in the recipient's language.
    template: str
    # Builds the template context from the stored one (primary keys); None when what the
    # message is about is gone, and the message is then not sent.
    load: Callable[[dict], dict | None]
    # Service messages (accounts, decisions on one's own file) cannot be turned off.
    service: bool = False
    # The roles that receive it (loket.accounts.enums.Role values): the preferences page
    # offers a reader the kinds of their role.
    roles: tuple[str, ...] = ()
    # Holds a secret (a sign-in link or code): the admin shows no preview, and the context is
    # wiped once the message is sent.
    private: bool = False


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def for_role(role: str) -> list[Kind]:
    """The kinds a reader of that role receives, in a stable order."""
    return sorted((k for k in KINDS.values() if role in k.roles), key=lambda k: k.code)


def get(code: str) -> Kind:
    """The kind of that code; the apps register theirs when Django starts (`ready`)."""
    return KINDS[code]
