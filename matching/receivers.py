"""What matching does when a lower app tells it something (`properties.signals`,
`projects.signals`): the desk's ranked suggestions follow the sites and applications."""

from projects.signals import application_changed
from properties.signals import site_changed

from .tasks import queue_refresh


def refresh_site_suggestions(sender, *, site, **kwargs) -> None:
    queue_refresh("site", site.pk)


def refresh_application_suggestions(sender, *, application, **kwargs) -> None:
    queue_refresh("application", application.pk)


def connect_receivers() -> None:
    site_changed.connect(refresh_site_suggestions, dispatch_uid="matching.site_suggestions")
    application_changed.connect(
        refresh_application_suggestions, dispatch_uid="matching.application_suggestions"
    )
