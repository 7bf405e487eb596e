from django import forms

from . import kinds
from .enums import Frequency


class PreferencesForm(forms.Form):
    """One choice per kind of message the reader's role receives, service messages aside."""

    def __init__(self, *args, user, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.for_role(user.role):
            if kind.service:
                continue
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                initial=current.get(kind.code, Frequency.IMMEDIATE),
            )
