"""The owner's forms, one per step of the site editor.

A draft may be incomplete, so no field is required here: these forms only check what is
wrong in itself (dates in the wrong order, a surface of zero, a postcode outside the commune,
a malformed parcel number). The strict checks run on submit, in
`properties.domain.sites.submission_errors`. The workflow fields (state, publication,
reviewer, reference, the computed figures) are in no form at all.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loket.limits import BoundedModelMultipleChoiceField, cap_form, check_raw_text
from loket.reference.models import ActivityType

from .files import validate_pdf
from .models import Site, SiteDocument, Unit
from .models.unit import MAX_UNITS
from .validators import normalise_capakey, validate_capakey

ORDER_ERROR = _("“Available until” must not be before “available from”.")

# More parcels than any one site has, and few enough to check them all at once.
MAX_PARCELS = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _check_dates(form: forms.Form, start: str = "available_from", end: str = "available_until"):
    begin, until = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if begin and until and until < begin:
        form.add_error(end, ORDER_ERROR)


class SiteStepForm(forms.ModelForm):
    """A step of the editor: nothing is required until the site is submitted."""

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cap_form(self)
        for field in self.fields.values():
            field.required = False
            if read_only:
                field.disabled = True


class CapakeyListField(forms.CharField):
    """Cadastral parcel numbers typed one per line, stored as a list of normalised CaPaKeys."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Cadastral parcels (CaPaKey)"))
        kwargs.setdefault(
            "help_text",
            _("One per line, as on the cadastral plan: for example 21001A0123/00B004."),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        check_raw_text(text)
        lines = [line.strip() for line in text.splitlines()]
        if len(list(filter(None, lines))) > MAX_PARCELS:
            raise ValidationError(
                _("A site has at most %(max)d cadastral parcels."),
                code="too_many_parcels",
                params={"max": MAX_PARCELS},
            )
        parcels, errors = [], []
        for line in filter(None, lines):
            try:
                validate_capakey(line)
            except ValidationError as error:
                errors.append(error)
            else:
                parcels.append(normalise_capakey(line))
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(parcels))


def check_postcode_fits(form: forms.Form, cleaned: dict) -> None:
    """A four-digit postcode that belongs to the chosen commune, or an error next to it."""
    commune, postcode = cleaned.get("commune"), cleaned.get("postcode")
    if postcode and not (postcode.isdigit() and len(postcode) == 4):
        form.add_error("postcode", _("A Belgian postcode has four digits, as in 1000."))
    elif commune and postcode:
        try:
            commune.check_postcode(postcode)
        except ValidationError as error:
            form.add_error("postcode", error)


class WhereForm(SiteStepForm):
    cadastral_parcels = CapakeyListField()

    class Meta:
        model = Site
        fields = [
            "street",
            "number",
            "box",
            "postcode",
            "commune",
            "latitude",
            "longitude",
            "cadastral_parcels",
            "public_precision",
            "public_transport",
        ]
        widgets = {
            "street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "public_precision": forms.RadioSelect,
            "public_transport": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "public_transport": _("The nearest metro, tram or bus stops, and how far they are."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].empty_label = _("Choose the commune")
        self.fields["public_precision"].choices = [
            choice for choice in self.fields["public_precision"].choices if choice[0]
        ]

    def clean_public_precision(self) -> str:
        # A radio list sends nothing when untouched; keep the stored choice then.
        return self.cleaned_data["public_precision"] or self.instance.public_precision

    def clean(self):
        cleaned = super().clean()
        check_postcode_fits(self, cleaned)
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error("latitude", _("Give both the latitude and the longitude, or neither."))
        return cleaned


class WhatForm(SiteStepForm):
    class Meta:
        model = Site
        fields = [
            "title_nl",
            "title_fr",
            "description_nl",
            "description_fr",
            "internal_reference",
            "kind",
            "former_use",
            "vacancy_reason",
            "future_project",
            "future_project_start",
            "vacant_since",
            "condition",
            "heritage_listed",
        ]
        labels = {
            "title_nl": _("Title in Dutch"),
            "title_fr": _("Title in French"),
            "description_nl": _("Description in Dutch"),
            "description_fr": _("Description in French"),
        }
        widgets = {
            "title_nl": forms.TextInput(attrs={"lang": "nl"}),
            "title_fr": forms.TextInput(attrs={"lang": "fr"}),
            "description_nl": forms.Textarea(attrs={"lang": "nl", "rows": 6}),
            "description_fr": forms.Textarea(attrs={"lang": "fr", "rows": 6}),
            "vacancy_reason": forms.Textarea(attrs={"rows": 3}),
            "future_project": forms.Textarea(attrs={"rows": 3}),
            "future_project_start": DateInput,
            "vacant_since": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "condition"):
            self.fields[name].empty_label = _("Choose")


class AvailabilityForm(SiteStepForm):
    class Meta:
        model = Site
        fields = [
            "available_from",
            "available_until",
            "min_duration_months",
            "max_duration_months",
            "notice_period_months",
            "extension_possible",
        ]
        widgets = {"available_from": DateInput, "available_until": DateInput}

    def clean(self):
        cleaned = super().clean()
        _check_dates(self)
        shortest, longest = cleaned.get("min_duration_months"), cleaned.get("max_duration_months")
        if shortest and longest and longest < shortest:
            self.add_error(
                "max_duration_months",
                _("The maximum duration must not be shorter than the minimum."),
            )
        return cleaned


class TechnicalForm(SiteStepForm):
    class Meta:
        model = Site
        fields = [
            "has_electricity",
            "has_water",
            "has_heating",
            "has_toilets",
            "has_kitchen",
            "has_internet",
            "ceiling_height_m",
            "has_loading_access",
            "step_free_access",
            "accessible_toilet",
            "open_to_public",
            "max_occupancy",
            "fire_safety_status",
            "fire_safety_date",
        ]
        widgets = {"fire_safety_date": DateInput}

    def clean_fire_safety_status(self) -> str:
        return self.cleaned_data["fire_safety_status"] or self.instance.fire_safety_status


class UsesTermsForm(SiteStepForm):
    class Meta:
        model = Site
        fields = [
            "allowed_activities",
            "restrictions",
            "noise_and_hours_limits",
            "housing_allowed",
            "economic_model",
            "fee_amount",
            "charges_monthly",
            "deposit",
            "insurance",
            "owner_expectations",
        ]
        field_classes = {"allowed_activities": BoundedModelMultipleChoiceField}
        widgets = {
            "allowed_activities": forms.CheckboxSelectMultiple,
            "restrictions": forms.Textarea(attrs={"rows": 3}),
            "noise_and_hours_limits": forms.Textarea(attrs={"rows": 3}),
            "insurance": forms.Textarea(attrs={"rows": 3}),
            "owner_expectations": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "owner_expectations": _(
                "For example: about two years, value for the neighbourhood, a mix of social, "
                "cultural and economic uses, the commune involved."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed_activities"].queryset = ActivityType.objects.all()
        self.fields["economic_model"].empty_label = _("Choose")


# What an owner or a caseworker says about a unit.
UNIT_FIELDS = [
    "name",
    "floor",
    "kind",
    "surface_m2",
    "available_from",
    "available_until",
    "fee_amount",
    "open_to_public",
]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = UNIT_FIELDS
        labels = {
            "available_from": _("Own availability: from"),
            "available_until": _("Own availability: until"),
            "open_to_public": _("Own public access"),
        }
        widgets = {"available_from": DateInput, "available_until": DateInput}
        help_texts = {
            "available_from": _("Only if it differs from the site."),
            "fee_amount": _("Only if it differs from the site."),
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cap_form(self)
        self.fields["kind"].empty_label = _("Choose")
        self.fields["open_to_public"].widget.choices = [
            ("unknown", _("As the site")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean_surface_m2(self):
        surface = self.cleaned_data.get("surface_m2")
        if surface is not None and surface < 1:
            raise ValidationError(
                _("The surface must be at least 1 m²."), code="surface_not_positive"
            )
        return surface

    def clean(self):
        cleaned = super().clean()
        _check_dates(self)
        return cleaned


class CappedUnitFormSet(forms.BaseInlineFormSet):
    """A site's units, at most MAX_UNITS: the owner's editor and the admin say so alike."""

    default_error_messages = {
        "too_many_forms": _("A site has at most %(num)d units. Remove one before adding another."),
    }


class BaseUnitFormSet(CappedUnitFormSet):
    def __init__(self, *args, read_only: bool = False, **kwargs):
        self.read_only = read_only
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "read_only": self.read_only}


UnitFormSet = forms.inlineformset_factory(
    Site,
    Unit,
    form=UnitForm,
    formset=BaseUnitFormSet,
    extra=1,
    can_delete=True,
    # A forged TOTAL_FORMS of 100,000,000 builds at most MAX_UNITS forms, and is an error.
    max_num=MAX_UNITS,
    validate_max=True,
    absolute_max=MAX_UNITS,
)


class PhotoForm(forms.Form):
    # A plain file field: `process_photo` judges the content, so a broken or oversized image
    # gets its own message instead of Django's generic one.
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, up to 15 MB. We remove the camera data (such as GPS)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(
        label=_("Description of the photo"),
        max_length=200,
        required=False,
        help_text=_("Describe what the photo shows, for people who cannot see it."),
    )


class DocumentForm(forms.ModelForm):
    class Meta:
        model = SiteDocument
        fields = ["title", "file", "is_public"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "application/pdf"})}
        help_texts = {"file": _("A PDF, up to 20 MB.")}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_pdf(uploaded)
        return uploaded


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the site?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The desk reads this. For example: the building has been sold."),
    )
