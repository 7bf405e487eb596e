from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Suggestions, matches and occupations: the desk's matchmaking."""

    name = "matching"
    verbose_name = _("Matchmaking")

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from .notifications import register_kinds
        from .receivers import connect_receivers

        register_kinds()
        connect_receivers()
