from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The outbox: every e-mail the desk promises, written as a row in the transaction that
    caused it and sent by Celery after the commit."""

    name = "loket.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from . import digest, unsubscribe

        digest.register_kinds()
        unsubscribe.register_kinds()
