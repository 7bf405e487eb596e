from celery import shared_task
from django.db import transaction

from properties.models import Site

from .domain import applications_expire, applications_remind_renewal
from .models import SavedSearchMatch
from .notifications import notify_saved_search_match
from .selectors import saved_searches_fitting


@shared_task
def saved_searches_record_matches(site_pk: int) -> int:
    """Record which saved searches a newly published site fits, and alert their holders
    through the outbox. Running it twice adds, and sends, nothing."""
    site = Site.objects.filter(pk=site_pk).first()
    if site is None:
        return 0
    with transaction.atomic():
        recorded = SavedSearchMatch.objects.filter(site_id=site_pk)
        before = set(recorded.values_list("pk", flat=True))
        SavedSearchMatch.objects.bulk_create(
            [
                SavedSearchMatch(saved_search_id=pk, site_id=site_pk)
                for pk in saved_searches_fitting(site).values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        new = recorded.exclude(pk__in=before).select_related("saved_search__user")
        # Each new match alerts its holder once; a second run records, and sends, nothing.
        for match in new:
            notify_saved_search_match(match)
        return len(new)


@shared_task
def applications_expire_daily() -> int:
    """Run by beat each night: close open requests not confirmed for 12 months. Idempotent."""
    return applications_expire()


@shared_task
def applications_remind_renewal_daily() -> int:
    """Run by beat each day: the "still looking?" reminder at 11 months. Idempotent."""
    return applications_remind_renewal()
