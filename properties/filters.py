"""The catalogue's search: one FilterSet for the public pages and the open data, so a search
shared as a URL gives the same sites on the list, the map, the GeoJSON and the CSV.

Choices travel as stable codes (`commune=21004&kind=land&activity=cultural`), never as labels
or primary keys of the reference lists, so shared URLs survive a relabelling."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from loket.communes.models import Commune
from loket.reference.forms import CachedModelChoiceField, CachedModelMultipleChoiceField
from loket.reference.models import ActivityType, EconomicModel, SiteKind

from .models import Site


class BoundedDecimalField(forms.DecimalField):
    """A number the database can compare: bounded, with no more decimals than the column.

    Without bounds, `1e-99999999` overflows PostgreSQL's numeric and `1e99999999` the saved
    search's columns: a 500 instead of a message. Zeros after the last decimal do not count,
    so "100.00" is a surface of 100, not an error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None or not value.is_finite():
            return value
        if value.is_zero():
            return Decimal(0)
        sign, digits, exponent = value.as_tuple()
        coefficient = "".join(map(str, digits))
        zeros = min(len(coefficient) - len(coefficient.rstrip("0")), max(-exponent, 0))
        if zeros and len(coefficient) > zeros:
            value = Decimal((sign, digits[:-zeros], exponent + zeros))
        return value


class BoundedNumberFilter(django_filters.NumberFilter):
    """A number filter with its own limits (`min_value`, `max_value`, `decimal_places`), in
    place of django-filter's ceiling of 1e50, which no column holds."""

    field_class = BoundedDecimalField

    def get_max_validator(self):
        return None


# The largest values the saved searches' columns hold (`projects.models.SavedSearch`), rounded
# down to a number that reads well in the error message.
MAX_SURFACE_M2 = 10_000_000
MAX_MONTHLY_COST = 1_000_000_000


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    """One item of a reference list, offered and checked from the cache: the desk's edits show
    at once, and the catalogue runs no query for its lists."""

    field_class = CachedModelChoiceField


class ReferenceMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CachedModelMultipleChoiceField


class SiteFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        surface_min, surface_max = cleaned.get("surface_min"), cleaned.get("surface_max")
        if surface_min is not None and surface_max is not None and surface_max < surface_min:
            self.add_error(
                "surface_max", _("The maximum surface must not be below the minimum surface.")
            )
        start, end = cleaned.get("available_from"), cleaned.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("“Needed until” must not be before “needed from”."))
        return cleaned


class SiteFilter(django_filters.FilterSet):
    commune = ReferenceMultipleChoiceFilter(
        label=_("Communes"),
        queryset=Commune.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        # A site has one commune: no duplicate rows to remove, so no DISTINCT.
        distinct=False,
    )
    surface_min = BoundedNumberFilter(
        label=_("Surface from (m²)"),
        field_name="total_surface_m2",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_SURFACE_M2,
        decimal_places=1,
    )
    surface_max = BoundedNumberFilter(
        label=_("Surface up to (m²)"),
        field_name="total_surface_m2",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_SURFACE_M2,
        decimal_places=1,
    )
    kind = ReferenceChoiceFilter(
        label=_("Kind of site"),
        queryset=SiteKind.objects.all(),
        to_field_name="code",
        empty_label=_("Any kind"),
    )
    available_from = django_filters.DateFilter(
        label=_("Needed from"),
        method="filter_available_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_until = django_filters.DateFilter(
        label=_("Needed until"),
        method="filter_available_until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    activity = ReferenceChoiceFilter(
        label=_("Activity allowed"),
        field_name="allowed_activities",
        queryset=ActivityType.objects.all(),
        to_field_name="code",
        empty_label=_("Any activity"),
    )
    economic_model = ReferenceChoiceFilter(
        label=_("Economic model"),
        queryset=EconomicModel.objects.all(),
        to_field_name="code",
        empty_label=_("Any model"),
    )
    max_cost = BoundedNumberFilter(
        label=_("Maximum monthly cost (€)"),
        field_name="estimated_monthly_cost",
        # `lte` leaves out sites whose cost is unknown (NULL), as a budget cannot be checked.
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_MONTHLY_COST,
        decimal_places=2,
    )
    open_to_public = django_filters.BooleanFilter(
        label=_("Can be open to the public"),
        method="filter_only_if_checked",
        widget=forms.CheckboxInput,
    )
    step_free_access = django_filters.BooleanFilter(
        label=_("Step-free access"),
        method="filter_only_if_checked",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Site
        fields: list[str] = []
        form = SiteFilterForm

    def filter_available_from(self, queryset: QuerySet[Site], name: str, value) -> QuerySet[Site]:
        """The site is still available on that day: no end, or an end on or after it."""
        return queryset.filter(Q(available_until__isnull=True) | Q(available_until__gte=value))

    def filter_available_until(self, queryset: QuerySet[Site], name: str, value) -> QuerySet[Site]:
        """The site is already available by that day: no start given, or a start on or before."""
        return queryset.filter(Q(available_from__isnull=True) | Q(available_from__lte=value))

    def filter_only_if_checked(self, queryset: QuerySet[Site], name: str, value) -> QuerySet[Site]:
        """An unticked box means “either”, not “must not”."""
        return queryset.filter(**{name: True}) if value else queryset
