from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Project holders' applications for space, saved searches and the demand figures."""

    name = "projects"
    verbose_name = _("Applications")

    def ready(self):
        from .notifications import register_kinds

        register_kinds()
