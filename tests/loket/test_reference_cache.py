"""The reference lists kept in the cache (`loket.reference.cache`)."""

import pytest
from django.core.cache import cache

from loket.reference import cache as reference_cache
from loket.reference.models import SiteKind

pytestmark = pytest.mark.django_db


def names(items) -> list[str]:
    return [item.name_en for item in items]


def test_a_list_holds_the_active_items_in_the_desks_order():
    SiteKind.objects.filter(code="building").update(position=9)
    SiteKind.objects.filter(code="both").update(is_active=False)

    assert names(reference_cache.choice_list(SiteKind)) == ["Land", "Building"]


def test_a_list_read_while_an_edit_is_open_is_dropped_at_commit(
    django_capture_on_commit_callbacks,
):
    kind = SiteKind.objects.get(code="land")
    with django_capture_on_commit_callbacks(execute=True):
        kind.name_en = "Open ground"
        kind.save()
        # Another request, which cannot see the edit yet, fills the cache with the old rows.
        cache.set(reference_cache._key(SiteKind), [], reference_cache.TIMEOUT)

    assert names(reference_cache.choice_list(SiteKind)) == [
        "Building",
        "Open ground",
        "Building and land",
    ]
