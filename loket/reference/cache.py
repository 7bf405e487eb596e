"""The reference lists that public pages offer as choices, read once and kept in the cache.

The catalogue offers four lists on every request, and the desk edits them a few times a year.
Each list is kept under its own key until a row of its model is saved or deleted
(`forget_list`, connected in `ReferenceConfig.ready`). An entry holds model instances, which
carry the name in every language, so one entry serves NL, FR and EN.
"""

from django.core.cache import cache
from django.db import models, transaction

# Part of every key: bump it when the rows change shape or a data migration edits a list, so a
# deploy never reads the old entries.
VERSION = 1
# A backstop only: an edit that sends no signal (a queryset `update()`) shows within the hour.
TIMEOUT = 60 * 60


def _key(model: type[models.Model]) -> str:
    return f"reference-list:{VERSION}:{model._meta.label_lower}"


def _rows(model: type[models.Model]) -> list[models.Model]:
    """The items a visitor may choose, in the model's order: the active ones, where a list can
    retire items."""
    queryset = model._default_manager.all()
    if any(field.name == "is_active" for field in model._meta.fields):
        queryset = queryset.filter(is_active=True)
    return list(queryset)


def choice_list(model: type[models.Model]) -> list[models.Model]:
    """The items of a reference list (or the communes) a visitor may choose, from the cache."""
    key = _key(model)
    items = cache.get(key)
    if items is None:
        items = _rows(model)
        cache.set(key, items, TIMEOUT)
    return items


def forget_list(sender: type[models.Model], **kwargs) -> None:
    """Drop a list from the cache after an edit: at once, and again after the commit, so that a
    request reading the old rows while the edit was still open cannot keep them."""
    key = _key(sender)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
