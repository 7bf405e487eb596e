from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    """Owners' sites and their lettable units, the catalogue, the map and the open data."""

    name = "properties"
    verbose_name = _("Sites and units")

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from .map import forget_map_bodies
        from .notifications import register_kinds
        from .signals import site_changed

        register_kinds()
        # Every change of state, units or terms may change what the map shows.
        site_changed.connect(forget_map_bodies, dispatch_uid="properties.map_bodies")
