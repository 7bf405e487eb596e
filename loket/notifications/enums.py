from django.db import models
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("notification status", "Queued")
    SENDING = "sending", pgettext_lazy("notification status", "Sending")
    SENT = "sent", pgettext_lazy("notification status", "Sent")
    FAILED = "failed", pgettext_lazy("notification status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("notification status", "Cancelled")
    # Written for a reader who asked for a digest: it waits for the next one ...
    HELD = "held", pgettext_lazy("notification status", "Waiting for a digest")
    # ... and is then told in that digest (`Notification.digest`), not on its own.
    DIGESTED = "digested", pgettext_lazy("notification status", "Sent in a digest")


class Frequency(models.TextChoices):
    """How a reader wants one kind of message."""

    IMMEDIATE = "immediate", pgettext_lazy("notification frequency", "At once")
    DAILY = "daily", pgettext_lazy("notification frequency", "Daily digest")
    WEEKLY = "weekly", pgettext_lazy("notification frequency", "Weekly digest")
    OFF = "off", pgettext_lazy("notification frequency", "Off")
