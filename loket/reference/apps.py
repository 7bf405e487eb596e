from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "loket.reference"
    label = "reference"
    verbose_name = _("Reference lists")

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from loket.communes.models import Commune

        from .cache import forget_list  # reads the models above, so also once ready
        from .models import REFERENCE_MODELS  # models load only once the registry is ready

        for model in (*REFERENCE_MODELS, Commune):
            post_save.connect(forget_list, sender=model, dispatch_uid=f"forget-{model.__name__}")
            post_delete.connect(forget_list, sender=model, dispatch_uid=f"forget-{model.__name__}")
