"""How a model field's value reads on a summary page (the owner's and the holder's review)."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .formatting import field_value


def field_display(instance: models.Model, name: str):
    """The value of `name` on `instance` for people: labels for choices, "Yes"/"No", dates and
    numbers in the reader's format (money and surfaces as the model's `number_kinds` says),
    lists joined; "" when nothing was given."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(item) for item in getattr(instance, name).all())
    value = getattr(instance, name)
    if field.choices:
        return getattr(instance, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, int | float | Decimal):
        return field_value(field, value)
    return value


def review_sections(instance: models.Model, steps, *, errors: dict, step_url, display) -> list:
    """The review page's summary: for each step with a form, its fields with their values and
    strict errors. `step_url(slug)` links back to the step; `display(instance, name)` reads."""
    sections = []
    for step in steps:
        if not step.form_class:
            continue
        form = step.form_class(instance=instance)
        rows = [
            {
                "label": form.fields[name].label,
                "value": display(instance, name),
                "errors": errors.get(name, []),
            }
            for name in step.form_class._meta.fields
        ]
        sections.append({"step": step, "url": step_url(step.slug), "rows": rows})
    return sections
