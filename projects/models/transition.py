from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import ApplicationState


class ApplicationTransition(models.Model):
    """One change of an application's state. Written only by `application_transition`."""

    application = models.ForeignKey(
        "projects.Application", on_delete=models.CASCADE, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("by")
    )
    from_state = models.CharField(_("from"), max_length=12, choices=ApplicationState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=ApplicationState.choices)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"
