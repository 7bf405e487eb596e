"""The owner's and holder's forms on a proposal. They only parse: the rules live in
`matching.domain`, which checks them again."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.reference.models import DeclineReason


class ReasonForm(forms.Form):
    """A reason from the translated list, and words of one's own (required for some reasons)."""

    decline_reason = forms.ModelChoiceField(
        queryset=DeclineReason.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose a reason from the list.")},
    )
    reason = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose “Other”. The desk reads it."),
    )

    def __init__(self, *args, legend, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decline_reason"].label = legend

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("decline_reason")
        if chosen is not None and chosen.needs_text and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Explain the reason in a few words."))
        return cleaned


def decline_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="decline", legend=_("Why do you decline the proposal?"))


def withdraw_form(data=None) -> ReasonForm:
    return ReasonForm(data, prefix="withdraw", legend=_("Why do you withdraw?"))


class VisitSlotForm(forms.Form):
    """A time for the visit, in Brussels local time."""

    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(
        label=_("Meeting point"),
        required=False,
        max_length=200,
        help_text=_("For example: at the main entrance, Rue de la Loi 1."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "slot")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("A visit must end after it starts."))
        return cleaned

    def _aware(self, time: datetime.time) -> datetime.datetime:
        moment = datetime.datetime.combine(self.cleaned_data["day"], time)
        return timezone.make_aware(moment, timezone.get_default_timezone())

    @property
    def starts_at(self) -> datetime.datetime:
        return self._aware(self.cleaned_data["starts"])

    @property
    def ends_at(self) -> datetime.datetime:
        return self._aware(self.cleaned_data["ends"])
