from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Suggestions, matches and occupations: the desk's matchmaking."""

    name = "matching"
    verbose_name = _("Matchmaking")

    def ready(self):
        from .notifications import register_kinds

        register_kinds()
