"""Upper bounds on what a form accepts, checked on the server.

A TextField has no length in the database, so a ModelForm built from one takes a page of
megabytes; a multi-select or a list typed one item per line takes as many items as the request
holds. Each form caps them here, with a translated message next to the field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import connection
from django.utils.translation import ngettext_lazy

# The same creating form sent again within this time, by the same person, is taken as a
# double click: it returns what the first one made.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=5)

# A long free text (a description, a note): about two pages.
TEXT_MAX_LENGTH = 5000


def cap_text_fields(form: forms.BaseForm, max_length: int = TEXT_MAX_LENGTH) -> None:
    """Give every plain text field of `form` that has no length (a TextField's) one."""
    for field in form.fields.values():
        # Subclasses (parcel lists, programmes, e-mail) parse their text and set their own caps.
        if type(field) is forms.CharField and field.max_length is None:
            field.max_length = max_length
            field.validators.append(MaxLengthValidator(max_length))
            field.widget.attrs.update(field.widget_attrs(field.widget))


def check_raw_text(value: str, *, max_length: int = TEXT_MAX_LENGTH) -> None:
    """For a field that parses its text into a list: no NUL (which PostgreSQL refuses, in JSON
    too) and no more than `max_length` characters, before any parsing."""
    ProhibitNullCharactersValidator()(value)
    MaxLengthValidator(max_length)(value)


class MaxItemsValidator:
    """At most `limit` items in a list; `limit` may be a callable, asked only when needed."""

    def __init__(self, limit, message=None):
        self.limit = limit
        self.message = message or ngettext_lazy(
            "Choose at most %(limit)d item.", "Choose at most %(limit)d items.", "limit"
        )

    def __call__(self, value) -> None:
        if not value:
            return
        limit = self.limit() if callable(self.limit) else self.limit
        if len(value) > limit:
            raise ValidationError(
                self.message, code="max_items", params={"limit": limit, "count": len(value)}
            )


def cap_multiple_choices(form: forms.BaseForm) -> None:
    """A multi-select holds at most as many items as it offers, so no one sends a list of a
    thousand repeated values. The choices are counted only when a list is checked, from the
    field's queryset at that time (a form may narrow it after this call)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.validators.append(MaxItemsValidator(lambda field=field: field.queryset.count()))
        elif isinstance(field, forms.MultipleChoiceField):
            field.validators.append(MaxItemsValidator(len(field.choices)))


def cap_form(form: forms.BaseForm) -> None:
    """The caps every form of the portal takes: text lengths and list sizes."""
    cap_text_fields(form)
    cap_multiple_choices(form)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multi-select of rows with integer keys, where a number past the database's integer
    range is an invalid choice. Django checks the range for one value (`pk=`) but not for a
    list (`pk__in=`), and SQLite then fails with an OverflowError: a 500."""

    def _check_values(self, value):
        key = self.queryset.model._meta.pk if not self.to_field_name else None
        if key is not None and not isinstance(value, str):
            low, high = connection.ops.integer_field_range(key.get_internal_type())
            for item in value:
                try:
                    number = int(item)
                except (TypeError, ValueError):
                    continue  # not a number: the parent refuses it with its own message
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)
