from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import Status


class Notification(models.Model):
    """One message to one person: a row of the outbox.

    Written by `notify()` inside the transaction of the event it reports, so it exists exactly
    when the event does. After the commit a Celery task sends it: queued → sending → sent, or
    failed after a permanent error (the desk can resend it), or cancelled by the desk. A row
    still queued a while later (Redis was down, a worker died) is queued again by the sweeper.
    `key` names the event for this recipient, so one event never makes two notifications.
    `context` holds primary keys and plain values only; the message is rendered when it is
    sent, in `language`.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    language = models.CharField(_("language"), max_length=5)
    context = models.JSONField(_("context"), default=dict, blank=True)
    key = models.CharField(_("event key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweeper's scan: only the rows still to send.
            models.Index(
                fields=["status", "queued_at"],
                name="notification_to_send",
                condition=Q(status__in=["queued", "sending"]),
            ),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.status})"
