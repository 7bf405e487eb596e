from django.db import models
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("notification status", "Queued")
    SENDING = "sending", pgettext_lazy("notification status", "Sending")
    SENT = "sent", pgettext_lazy("notification status", "Sent")
    FAILED = "failed", pgettext_lazy("notification status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("notification status", "Cancelled")
