from celery import shared_task

from .notifications import notify_availability_ending


@shared_task
def availability_ending_daily() -> int:
    """Run by beat each morning: tell owners that a site's availability ends within 30 days.
    Idempotent: a second run on the same day, or the next day's, sends nothing twice."""
    return notify_availability_ending()
