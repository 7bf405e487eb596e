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
    # templates/<template>_subject.txt and _message.txt, rendered in the recipient's language
    template: str
    # Builds the template context from the stored one (primary keys); None when what the
    # message is about is gone, and the message is then not sent.
    load: Callable[[dict], dict | None]
    # Service messages (accounts, decisions on one's own file) cannot be turned off.
    service: bool = False


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    """The kind of that code; the apps register theirs when Django starts (`ready`)."""
    return KINDS[code]
