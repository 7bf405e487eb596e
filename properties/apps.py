from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    """Owners' sites and their lettable units, the catalogue, the map and the open data."""

    name = "properties"
    verbose_name = _("Sites and units")

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from .notifications import register_kinds

        register_kinds()
