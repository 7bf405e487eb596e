"""What a site's changes tell the apps above properties, which it may not import (imports point
down: `loket` ← `properties` ← `projects` ← `matching`).

Each signal is sent inside the change's transaction; a receiver that starts work elsewhere
(a Celery task) does so with `transaction.on_commit`, so a rolled-back change starts nothing.
The higher apps connect their receivers in their AppConfig's `ready()`, as they register their
notification kinds."""

from django.dispatch import Signal

# A site's state, units or terms changed; sent with `site`. Matching refreshes its suggestions.
site_changed = Signal()
# A site became public in the catalogue; sent with `site`. Projects records the holders' saved
# searches that it fits.
site_published = Signal()
