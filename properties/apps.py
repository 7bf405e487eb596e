from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    """Owners' sites and their lettable units (issue 3). Empty until that issue lands."""

    name = "properties"
    verbose_name = _("Sites and units")
