import logging
import threading

from celery import shared_task
from django.db import transaction

from .domain import (
    occupations_mark_ending,
    suggestions_refresh_all,
    suggestions_refresh_all_sites,
    suggestions_refresh_for_application,
    suggestions_refresh_for_site,
)
from .notifications import notify_occupation_reminders, notify_visit_reminders

log = logging.getLogger(__name__)


@shared_task
def suggestions_refresh_application(application_pk: int) -> int:
    """Queued after commit when an application changes: rewrite its ranked sites."""
    return suggestions_refresh_for_application(application_id=application_pk)


@shared_task
def suggestions_refresh_site(site_pk: int) -> int:
    """Queued after commit when a site or its units change: rewrite its ranked applications
    and its place in the applications' lists."""
    return suggestions_refresh_for_site(site_id=site_pk)


@shared_task
def suggestions_refresh_all_nightly() -> int:
    """Run by beat: both directions rewritten whole, under whatever the day's refreshes did."""
    return suggestions_refresh_all() + suggestions_refresh_all_sites()


@shared_task
def visit_reminders_hourly() -> int:
    """Run by beat every hour: the reminder the day before each planned visit. Idempotent."""
    return notify_visit_reminders()


@shared_task
def occupations_mark_ending_daily() -> int:
    """Run by beat: running occupations within 60 days of their end become `ending`."""
    return occupations_mark_ending()


@shared_task
def occupation_reminders_daily() -> int:
    """Run by beat each morning: planning notification due, insurance certificate expiring,
    and the end in 60 and in 30 days. Idempotent: each event is told once."""
    return notify_occupation_reminders()


# --- Refreshing suggestions after commit, once per object ------------------------------------

_pending = threading.local()


def queue_refresh(kind: str, pk: int) -> None:
    """Refresh the suggestions of a site (`kind` "site") or an application ("application")
    once the current transaction commits. A transaction that changes one object ten times (a
    seed, a desk action that moves the site and the application) queues one task per object,
    not ten; a rolled-back transaction queues nothing."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _delay(kind, pk)
        return
    registered = any(func is _flush for _sids, func, _robust in connection.run_on_commit)
    if not registered:
        _pending.items = set()
        transaction.on_commit(_flush)
    _pending.items.add((kind, pk))


def _flush() -> None:
    items, _pending.items = getattr(_pending, "items", set()), set()
    for kind, pk in sorted(items):
        _delay(kind, pk)


def _delay(kind: str, pk: int) -> None:
    """Queue one refresh. With the broker down the change itself must still succeed: the
    nightly recompute catches up, so the failure is only logged."""
    try:
        _task(kind).delay(pk)
    except Exception:  # kombu raises many kinds; none may reach the user's request
        log.warning("Suggestions refresh of %s %s not queued.", kind, pk, exc_info=True)


def _task(kind: str):
    return {"site": suggestions_refresh_site, "application": suggestions_refresh_application}[kind]
