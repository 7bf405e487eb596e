from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedback(models.Model):
    """A report of an accessibility barrier, sent from the accessibility statement.

    The desk must answer such reports; `services.feedback_submit` stores the report and a Celery
    task forwards it to the desk's mailbox once the transaction has committed.
    """

    page_url = models.CharField(_("page concerned"), max_length=500, blank=True)
    message = models.TextField(_("what went wrong"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    forwarded_at = models.DateTimeField(_("forwarded to the desk"), null=True, blank=True)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page_url}"
