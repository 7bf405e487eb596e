from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Run by beat each day: expired sessions would otherwise pile up in the database."""
    call_command("clearsessions")
