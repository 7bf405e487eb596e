from celery import shared_task

from .enums import Frequency
from .services import MAX_ATTEMPTS, TransientSendError, send, send_digests, sweep


@shared_task(
    autoretry_for=(TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def send_notification(notification_pk: int) -> str:
    """Send one outbox row; harmless to run twice (the row is claimed first)."""
    return send(notification_pk)


@shared_task
def notifications_sweep() -> int:
    """Run by beat every minute: queue again what Redis or a dead worker lost."""
    return sweep()


@shared_task
def notifications_daily_digest() -> int:
    """Run by beat every morning: one digest per reader of what they asked to get daily."""
    return send_digests(Frequency.DAILY)


@shared_task
def notifications_weekly_digest() -> int:
    """Run by beat on Monday morning: the weekly digests."""
    return send_digests(Frequency.WEEKLY)
