from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import Frequency, Status


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
        null=True,
        blank=True,
    )
    # The address, for the few account messages to someone who has no account (a password
    # reset asked for an unknown address); empty means the recipient's current address.
    email = models.EmailField(_("address"), blank=True)
    kind = models.CharField(_("kind"), max_length=50)
    language = models.CharField(_("language"), max_length=5)
    context = models.JSONField(_("context"), default=dict, blank=True)
    key = models.CharField(_("event key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # For a message held for a digest: which one (daily or weekly), and the digest it went in.
    frequency = models.CharField(
        _("delivery"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("digest"),
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
            # The digest run's scan: the rows held for one.
            models.Index(
                fields=["frequency", "recipient"],
                name="notification_held",
                condition=Q(status="held"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notification_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or self.email} ({self.status})"

    @property
    def address(self) -> str:
        return self.email or self.recipient.email


class NotificationPreference(models.Model):
    """How one reader wants one kind of message. No row means at once; service messages
    ignore it (`kinds.Kind.service`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    frequency = models.CharField(_("delivery"), max_length=10, choices=Frequency.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.frequency}"
