"""What projects does when a lower app tells it something (`properties.signals`)."""

from django.db import transaction

from properties.signals import site_published

from .tasks import saved_searches_record_matches


def record_saved_search_matches(sender, *, site, **kwargs) -> None:
    """After the commit, the saved searches the published site fits are recorded and their
    holders alerted. Robust: with the broker down, the publication still holds."""
    site_pk = site.pk
    transaction.on_commit(lambda: saved_searches_record_matches.delay(site_pk), robust=True)


def connect_receivers() -> None:
    site_published.connect(record_saved_search_matches, dispatch_uid="projects.saved_searches")
