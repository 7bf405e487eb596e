from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import NO_ENTERPRISE_NUMBER
from .models import Organisation
from .selectors import organisations_of
from .services import ENTERPRISE_NUMBER_TAKEN
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
        # The column's length: PostgreSQL refuses a longer address with an error, not a message.
        max_length=Organisation._meta.get_field("website").max_length,
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

    def __init__(self, *args, actor=None, **kwargs):
        """`actor`: the person registering a new organisation in the portal."""
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_enterprise_number(self) -> str:
        raw = self.cleaned_data.get("enterprise_number", "").strip()
        if not raw:
            return ""
        validate_enterprise_number(raw)
        number = normalise_enterprise_number(raw)
        taken = Organisation.objects.filter(enterprise_number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if self.actor is not None:
            # The registration form sent twice is no conflict with oneself: the person's own
            # organisations are left to `organisation_create`, which returns the one the first
            # submit registered, or says the number is taken.
            taken = taken.exclude(pk__in=organisations_of(self.actor))
        if taken.exists():
            raise forms.ValidationError(ENTERPRISE_NUMBER_TAKEN, code="enterprise_number_taken")
        return number

    def _get_validation_exclusions(self):
        # The number's uniqueness is checked by `clean_enterprise_number` and by
        # `organisation_create`, with a message that says what to do; the unique constraint's
        # own check here would only say that it is violated.
        return super()._get_validation_exclusions() | {"enterprise_number"}

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
