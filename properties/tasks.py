from celery import shared_task


@shared_task
def availability_ending_daily() -> int:
    """Run by beat each morning: tell owners that a site's availability ends within 30 days.
    Idempotent: a second run on the same day, or the next day's, sends nothing twice."""
    from .notifications import notify_availability_ending

    return notify_availability_ending()
