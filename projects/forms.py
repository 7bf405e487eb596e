"""The project holder's forms, one per step of the application editor.

A draft may be incomplete, so no field is required here: these forms only check what is wrong
in itself (a minimum above the maximum, a start in the past, a budget that is not a number, a
programme whose shares do not add up). The strict checks run on submit, in
`projects.domain.applications.submission_errors`. The workflow fields (state, assignee,
reference, closed reason, desk message, confirmation) are in no form at all.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loket.communes.models import Commune
from loket.limits import BoundedModelMultipleChoiceField, cap_form, check_raw_text
from loket.reference.models import ActivityType
from properties.files import validate_pdf

from .models import Application, ApplicationDocument, SavedSearch


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ApplicationStepForm(forms.ModelForm):
    """A step of the editor: nothing is required until the application is submitted."""

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        cap_form(self)
        for field in self.fields.values():
            field.required = False
            if read_only:
                field.disabled = True

    def clean(self):
        cleaned = super().clean()
        # A choice with a default that arrives empty keeps the stored choice.
        for name, field in self.fields.items():
            if isinstance(field, forms.TypedChoiceField) and cleaned.get(name) in ("", None):
                cleaned[name] = getattr(self.instance, name)
        return cleaned


# More uses than any mixed programme has.
MAX_PROGRAMME_USES = 20


class ProgrammeField(forms.CharField):
    """A mixed programme typed as "use: share %" lines, stored as [{"use": ..., "share": n}]."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mixed programme"))
        kwargs.setdefault(
            "help_text",
            _(
                "One use per line with its share, for example “studios: 60”. "
                "The shares add up to 100. Leave empty if there is a single use."
            ),
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{item.get('use', '')}: {item.get('share', '')}" for item in value)
        return value

    def to_python(self, value) -> list[dict]:
        text = super().to_python(value) or ""
        check_raw_text(text)
        lines = [line.strip() for line in text.splitlines()]
        if len(list(filter(None, lines))) > MAX_PROGRAMME_USES:
            raise ValidationError(
                _("A programme has at most %(max)d uses."),
                code="too_many_uses",
                params={"max": MAX_PROGRAMME_USES},
            )
        programme, errors = [], []
        for line in filter(None, lines):
            use, sep, share = line.rpartition(":")
            share = share.strip().rstrip("%").strip()
            # ASCII digits only: "²" is a digit to `isdigit` but not to `int`. At most three,
            # since a share is a percentage.
            is_share = share.isascii() and share.isdigit() and len(share) <= 3
            if not sep or not use.strip() or not is_share:
                errors.append(
                    ValidationError(
                        _("“%(line)s” is not a use with its share, as in “studios: 60”."),
                        code="programme_line",
                        params={"line": line},
                    )
                )
                continue
            programme.append({"use": use.strip(), "share": int(share)})
        if errors:
            raise ValidationError(errors)
        if programme and sum(item["share"] for item in programme) != 100:
            raise ValidationError(
                _("The shares of the programme add up to %(total)s %%, not 100 %%."),
                code="programme_total",
                params={"total": sum(item["share"] for item in programme)},
            )
        return programme


class ProjectForm(ApplicationStepForm):
    programme = ProgrammeField()

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "description",
            "activity_types",
            "intended_use",
            "programme",
            "partners_text",
        ]
        field_classes = {"activity_types": BoundedModelMultipleChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "activity_types": forms.CheckboxSelectMultiple,
            "intended_use": forms.Textarea(attrs={"rows": 3}),
            "partners_text": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"partners_text": _("Partner organisations")}
        help_texts = {
            "partners_text": _("For a consortium: the other organisations, one per line."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_types"].queryset = ActivityType.objects.all()


class SpaceForm(ApplicationStepForm):
    class Meta:
        model = Application
        fields = [
            "surface_min",
            "surface_ideal",
            "surface_max",
            "space_kind",
            "several_units_ok",
            "needs_ground_floor",
            "needs_loading",
            "needs_water",
            "needs_power",
            "needs_heating",
            "needs_kitchen",
            "needs_step_free",
            "accessibility_needs",
            "must_be_open_to_public",
        ]
        widgets = {
            "space_kind": forms.RadioSelect,
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        low, ideal, high = (cleaned.get(f"surface_{n}") for n in ("min", "ideal", "max"))
        if low is not None and high is not None and low > high:
            self.add_error("surface_min", _("The minimum surface is above the maximum."))
        elif ideal is not None and (
            (low is not None and ideal < low) or (high is not None and ideal > high)
        ):
            self.add_error(
                "surface_ideal",
                _("The ideal surface must lie between the minimum and the maximum."),
            )
        return cleaned


class PlaceForm(ApplicationStepForm):
    class Meta:
        model = Application
        fields = ["communes", "anywhere", "wants_central", "wants_public_transport"]
        widgets = {"communes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = Commune.objects.all()


class TimeForm(ApplicationStepForm):
    class Meta:
        model = Application
        fields = ["desired_start", "duration_value", "duration_unit", "duration_flexible", "tenure"]
        widgets = {"desired_start": DateInput, "tenure": forms.RadioSelect}
        help_texts = {
            "tenure": _(
                "Requests for a long-term or permanent home go to long-lease or purchase "
                "channels rather than a two-year agreement."
            ),
        }

    def clean_desired_start(self):
        start = self.cleaned_data.get("desired_start")
        if start is not None and start < timezone.localdate():
            raise ValidationError(_("The desired start is in the past."), code="past")
        return start


class MoneyForm(ApplicationStepForm):
    class Meta:
        model = Application
        fields = ["max_monthly_budget", "fitout_budget"]


class UseForm(ApplicationStepForm):
    class Meta:
        model = Application
        fields = [
            "days_and_hours",
            "public_access",
            "regular_users",
            "weekly_visitors",
            "max_event_attendance",
            "overnight_stay",
            "housing_people",
        ]
        widgets = {"public_access": forms.RadioSelect}


class NeighbourhoodForm(ApplicationStepForm):
    class Meta:
        model = Application
        fields = [
            "neighbourhood_value",
            "local_partners",
            "nuisance",
            "commune_contacted",
            "earlier_occupations",
            "insurance_held",
            "references_text",
            "consent_to_share",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "neighbourhood_value",
                "local_partners",
                "nuisance",
                "earlier_occupations",
                "insurance_held",
                "references_text",
            )
        }


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ApplicationDocument
        fields = ["kind", "title", "file"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": "application/pdf"})}
        help_texts = {"file": _("A PDF, up to 20 MB.")}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        validate_pdf(uploaded)
        return uploaded


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the application?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The desk reads this. For example: we found a place elsewhere."),
    )


class SavedSearchForm(forms.Form):
    """A name for the catalogue search in `query`, the query string the catalogue shows. The
    criteria themselves are checked by the catalogue's filters, in the domain."""

    name = forms.CharField(
        label=_("Name of the search"),
        max_length=SavedSearch._meta.get_field("name").max_length,
        required=False,
    )
    query = forms.CharField(
        max_length=SavedSearch._meta.get_field("query").max_length,
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "max_length": _(
                "This search is too long to keep (at most %(limit_value)d characters). "
                "Remove some filters in the catalogue first."
            )
        },
    )

    def clean(self):
        cleaned = super().clean()
        # The query is a hidden field: its errors are about the whole search.
        for error in self.errors.pop("query", []):
            self.add_error(None, error)
        return cleaned
