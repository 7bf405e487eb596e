"""Every field the desk's admin can show has a translated label: a field without one shows its
Python name ("Unit", "Prefilled from") in the Dutch and French admin."""

from django.contrib import admin
from django.db.models import ForeignKey
from django.utils.functional import Promise

APPS = {"properties", "projects", "matching", "accounts", "organisations", "reference", "pages"}


def shown_models():
    """(model, the foreign key an inline hides) for every model the admin registers and every
    model of its inlines."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        yield model, None
        for inline in model_admin.inlines:
            parent = next(
                (
                    f.name
                    for f in inline.model._meta.concrete_fields
                    if isinstance(f, ForeignKey) and f.related_model is model
                ),
                None,
            )
            yield inline.model, inline.fk_name or parent


def test_every_field_the_admin_shows_has_a_translated_label():
    untranslated = sorted(
        f"{model._meta.label}.{field.name}"
        for model, hidden in shown_models()
        for field in model._meta.concrete_fields
        if not field.auto_created
        and field.name != hidden
        and not isinstance(field.verbose_name, Promise)
    )
    assert untranslated == []
