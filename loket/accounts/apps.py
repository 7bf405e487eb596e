from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "loket.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from .groups import sync_caseworker_group
        from .notifications import register_kinds

        register_kinds()

        # Permissions only exist after migrate, so the group is filled then, not in a migration.
        post_migrate.connect(sync_caseworker_group, sender=self)
