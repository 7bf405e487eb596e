from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import NO_ENTERPRISE_NUMBER
from .models import Organisation
from .selectors import organisations_of
from .validators import normalise_enterprise_number, validate_enterprise_number


class OrganisationForm(forms.ModelForm):
    # Wider than the stored 10 digits: people type "BE 0123.456.749".
    enterprise_number = forms.CharField(
        label=_("Enterprise number (BCE/KBO)"),
        max_length=20,
        required=False,
        help_text=_(
            "Ten digits, as in 0123.456.749. Not needed for de facto associations and "
            "private individuals."
        ),
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "enterprise_number",
            "street",
            "number",
            "box",
            "postcode",
            "city",
            "website",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def clean_enterprise_number(self) -> str:
        raw = self.cleaned_data.get("enterprise_number", "").strip()
        if not raw:
            return ""
        validate_enterprise_number(raw)
        number = normalise_enterprise_number(raw)
        taken = Organisation.objects.filter(enterprise_number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "An organisation with this enterprise number is already registered. "
                    "Ask one of its administrators to add you, or contact the desk."
                ),
                code="enterprise_number_taken",
            )
        return number

    def clean(self):
        cleaned = super().clean()
        legal_form = cleaned.get("legal_form")
        if (
            legal_form
            and legal_form not in NO_ENTERPRISE_NUMBER
            and not cleaned.get("enterprise_number")
            and "enterprise_number" not in self.errors
        ):
            self.add_error(
                "enterprise_number",
                forms.ValidationError(
                    _("This legal form has an enterprise number: please give it."),
                    code="enterprise_number_required",
                ),
            )
        return cleaned


class SwitchOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_of(user)
