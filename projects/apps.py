from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Project holders' applications for space, saved searches and the demand figures."""

    name = "projects"
    verbose_name = _("Applications")

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from .notifications import register_kinds
        from .receivers import connect_receivers

        register_kinds()
        connect_receivers()
