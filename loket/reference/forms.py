"""Form fields that offer a reference list from the cache (`cache.choice_list`) instead of a
query: the choices rendered and the codes accepted are the same cached list, so an item the
desk retires stops being offered and accepted with the same edit.

The queryset given to a field only names the model; it is never run."""

from django import forms
from django.forms.models import ModelChoiceIterator

from .cache import choice_list


class CachedChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for item in self.field.cached_items().values():
            yield self.choice(item)

    def __len__(self) -> int:
        return len(self.field.cached_items()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.cached_items())


class CachedChoicesMixin:
    iterator = CachedChoiceIterator
    _items = None

    def cached_items(self) -> dict:
        """The list's items by the value a form sends, read once per form."""
        if self._items is None:
            key = self.to_field_name or self.queryset.model._meta.pk.attname
            self._items = {
                str(getattr(item, key)): item for item in choice_list(self.queryset.model)
            }
        return self._items

    def __deepcopy__(self, memo):
        # Every form reads the list anew: a copy never inherits what its original read.
        result = super().__deepcopy__(memo)
        result._items = None
        return result


class CachedModelChoiceField(CachedChoicesMixin, forms.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = self.prepare_value(value)
        try:
            return self.cached_items()[str(value)]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class CachedModelMultipleChoiceField(CachedChoicesMixin, forms.ModelMultipleChoiceField):
    def clean(self, value):
        # The parent answers an empty choice with an empty queryset; a list keeps one type.
        if not value and not self.required:
            return []
        return super().clean(value)

    def _check_values(self, value) -> list:
        """The chosen items in the list's order, each once; refused if one is not in the list."""
        chosen = {str(pk) for pk in value}
        items = self.cached_items()
        for pk in value:
            self.validate_no_null_characters(pk)
            if str(pk) not in items:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return [item for key, item in items.items() if key in chosen]
