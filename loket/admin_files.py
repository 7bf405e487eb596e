"""Private files in the admin: a stored file links to the view that checks who may see it,
never to a storage URL (the private storage has none, see `loket.files`).

An admin form with file fields derives from `PrivateFilesForm` and names, for each field, the
view's URL for a saved record; a read-only column uses `file_link`.
"""

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html


@dataclass(frozen=True)
class _LinkedFile:
    """What Django's file input template reads from the current file: its name and a URL."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class PrivateFileWidget(AdminFileWidget):
    """The admin's file input, whose "Currently" link is `file_url`, the URL its form gives."""

    def __init__(self, attrs=None, *, file_url: str = ""):
        super().__init__(attrs)
        self.file_url = file_url

    def is_initial(self, value) -> bool:
        # Django's own asks the storage for a URL; a stored file is enough here. An upload
        # that failed validation is not the stored file, and gets no link.
        return isinstance(value, FieldFile) and bool(value)

    def format_value(self, value):
        if not self.is_initial(value):
            return None
        if not self.file_url:
            raise ValueError(f"No view URL for “{value.name}”: set it in the form's file_urls.")
        return _LinkedFile(posixpath.basename(value.name), self.file_url)


class PrivateFilesForm(forms.ModelForm):
    """An admin model form for a record with private files. `file_urls` maps each file field's
    name to a function of the saved record returning the URL of the view that serves it."""

    file_urls: dict[str, Callable] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, file_url in self.file_urls.items():
            field = self.fields.get(name)
            if field is None:
                continue
            widget = PrivateFileWidget(
                field.widget.attrs, file_url=file_url(self.instance) if self.instance.pk else ""
            )
            widget.is_required = field.required
            field.widget = widget


def file_link(file: FieldFile, url: str) -> str:
    """A read-only column's link to a private file: its name, to the view that serves it."""
    if not file:
        return ""
    return format_html('<a href="{}">{}</a>', url, posixpath.basename(file.name))
