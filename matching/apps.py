from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    """Suggestions, matches, occupations and calls (issue 5). Empty until that issue lands."""

    name = "matching"
    verbose_name = _("Matchmaking")
