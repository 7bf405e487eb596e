from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Project holders' applications for space (issue 4). Empty until that issue lands."""

    name = "projects"
    verbose_name = _("Applications")
