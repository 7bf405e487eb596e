"""The reference lists that public pages offer as choices, read once and kept in the cache.

The catalogue offers four lists on every request, and the desk edits them a few times a year.
Each list is kept under a version of its own until a row of its model is saved or deleted
(`forget_list`, connected in `ReferenceConfig.ready`), which replaces the version. An entry
holds model instances, which carry the name in every language, so one entry serves NL, FR and
EN.

Each process also keeps the list it last read, with its version: a request then asks the
shared cache only for the version, a few bytes, instead of unpickling the list again. The
instances are shared by the requests of a process, so they are read, never changed.
"""

import uuid

from django.core.cache import cache
from django.db import models, transaction

# Part of every key: bump it when the rows change shape or a data migration edits a list, so a
# deploy never reads the old entries.
VERSION = 1
# A backstop only: an edit that sends no signal (a queryset `update()`) shows within the hour,
# when the version expires and every process reads the list again.
TIMEOUT = 60 * 60

# {model label: (version, items)}, the lists this process read last.
_read: dict[str, tuple[str, list[models.Model]]] = {}


def _version_key(model: type[models.Model]) -> str:
    return f"reference-list:{VERSION}:{model._meta.label_lower}:version"


def _version(model: type[models.Model]) -> str:
    key = _version_key(model)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, TIMEOUT)
        version = cache.get(key)
    return version


def _key(model: type[models.Model], version: str | None = None) -> str:
    """Where the list of `model` is kept under its current version (or `version`)."""
    version = version or _version(model)
    return f"reference-list:{VERSION}:{model._meta.label_lower}:{version}"


def _rows(model: type[models.Model]) -> list[models.Model]:
    """The items a visitor may choose, in the model's order: the active ones, where a list can
    retire items."""
    queryset = model._default_manager.all()
    if any(field.name == "is_active" for field in model._meta.fields):
        queryset = queryset.filter(is_active=True)
    return list(queryset)


def choice_list(model: type[models.Model]) -> list[models.Model]:
    """The items of a reference list (or the communes) a visitor may choose, from the cache."""
    version = _version(model)
    label = model._meta.label_lower
    read = _read.get(label)
    if read is not None and read[0] == version:
        return read[1]
    key = _key(model, version)
    items = cache.get(key)
    if items is None:
        items = _rows(model)
        cache.set(key, items, TIMEOUT)
    _read[label] = (version, items)
    return items


def _new_version(model: type[models.Model]) -> None:
    # A fresh token, not a counter: a version lost from the cache can never bring back a list
    # stored, or kept by a process, under an old number.
    cache.set(_version_key(model), uuid.uuid4().hex, TIMEOUT)


def forget_list(sender: type[models.Model], **kwargs) -> None:
    """Drop a list after an edit: at once, and again after the commit, so that a request
    reading the old rows while the edit was still open cannot keep them."""
    _new_version(sender)
    transaction.on_commit(lambda: _new_version(sender))
