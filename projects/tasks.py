from celery import shared_task


@shared_task
def saved_searches_record_matches(site_pk: int) -> int:
    """Record which saved searches a newly published site fits. Running it twice adds nothing;
    the alerts themselves are sent by the notifications."""
    from properties.models import Site

    from .models import SavedSearchMatch
    from .selectors import saved_searches_fitting

    site = Site.objects.filter(pk=site_pk).first()
    if site is None:
        return 0
    recorded = SavedSearchMatch.objects.filter(site_id=site_pk)
    before = recorded.count()
    SavedSearchMatch.objects.bulk_create(
        [
            SavedSearchMatch(saved_search_id=pk, site_id=site_pk)
            for pk in saved_searches_fitting(site).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    # The number of new matches: a second run records, and returns, nothing.
    return recorded.count() - before


@shared_task
def applications_expire_daily() -> int:
    """Run by beat each night: close open requests not confirmed for 12 months. Idempotent."""
    from .domain import applications_expire

    return applications_expire()
