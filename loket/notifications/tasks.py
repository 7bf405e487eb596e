from celery import shared_task

from .services import MAX_ATTEMPTS, TransientSendError, send, sweep


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
