from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import AccessibilityFeedback


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def feedback_forward(feedback_pk: int) -> None:
    """E-mail an accessibility report to the desk, once. Runs again harmlessly."""
    with transaction.atomic():
        feedback = (
            AccessibilityFeedback.objects.select_for_update()
            .filter(pk=feedback_pk, forwarded_at__isnull=True)
            .first()
        )
        if feedback is None:
            return
        # The desk works in both languages; the report is forwarded in the one it was written in.
        with translation.override(feedback.language):
            context = {"feedback": feedback}
            subject = render_to_string("pages/email/feedback_subject.txt", context).strip()
            body = render_to_string("pages/email/feedback_message.txt", context)
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [settings.DESK_EMAIL],
            # The desk answers the reporter with one click when they left an address.
            reply_to=[feedback.email] if feedback.email else None,
        ).send()
        feedback.forwarded_at = timezone.now()
        feedback.save(update_fields=["forwarded_at"])
