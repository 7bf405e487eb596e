"""What an application's changes tell the apps above projects, which it may not import
(imports point down: `loket` ← `properties` ← `projects` ← `matching`).

Sent inside the change's transaction; a receiver that starts work elsewhere does so with
`transaction.on_commit`. Matching connects its receiver in its AppConfig's `ready()`."""

from django.dispatch import Signal

# An application's state or content changed; sent with `application`. Matching refreshes the
# application's suggestions.
application_changed = Signal()
