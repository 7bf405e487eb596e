from django.db import transaction

from .models import AccessibilityFeedback
from .tasks import feedback_forward


@transaction.atomic
def feedback_submit(*, feedback: AccessibilityFeedback, language: str) -> AccessibilityFeedback:
    feedback.language = language
    feedback.save()
    feedback_forward.delay_on_commit(feedback.pk)
    return feedback
