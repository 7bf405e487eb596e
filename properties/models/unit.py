from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loket.formatting import AREA, MONEY, area

# The most units a site has. The owner's editor sends about eleven fields per unit, and Django
# refuses a request of more than 1,000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS): 80 units fit.
MAX_UNITS = 80


class Unit(models.Model):
    """A lettable part of a site. Availability, fee and public access are the site's unless
    the unit gives its own."""

    site = models.ForeignKey(
        "properties.Site", on_delete=models.CASCADE, related_name="units", verbose_name=_("site")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("For example “Ground-floor hall”.")
    )
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    kind = models.ForeignKey("reference.UnitKind", on_delete=models.PROTECT, verbose_name=_("kind"))
    surface_m2 = models.DecimalField(
        _("surface (m²)"),
        max_digits=9,
        decimal_places=1,
        validators=[MinValueValidator(1)],
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    fee_amount = models.DecimalField(
        _("own fee (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    open_to_public = models.BooleanField(_("can be open to the public"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # How summaries write these numbers (`loket.formatting.field_value`).
    number_kinds = {"surface_m2": AREA, "fee_amount": MONEY}

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(surface_m2__gt=0), name="unit_surface_positive"),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="unit_availability_in_order",
                violation_error_message=_("“Available until” must not be before “available from”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({area(self.surface_m2)})"
