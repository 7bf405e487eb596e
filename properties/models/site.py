from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from loket.formatting import AREA, LENGTH, MONEY

from ..enums import (
    ClosedReason,
    FireSafetyStatus,
    Publication,
    PublicPrecision,
    SiteState,
)
from ..validators import validate_capakey_list


class Site(models.Model):
    """A vacant building or piece of land that an owner offers for temporary use.

    Lifecycle: draft → submitted → under review → published (public or desk-only) → partly or
    fully occupied → released; it may be suspended, withdrawn or closed (demolished, works
    started). Only `properties.domain.site_transition` changes `state`: it checks the move,
    writes a `SiteTransition` row and sets `published_at` and the desk's message with the move.

    A draft may be incomplete; `properties.domain.site_submit` runs the strict checks. Title and
    description are translated (modeltranslation): the owner writes at least one language.
    """

    # Set right after the first save, from the primary key; NULL until then so it stays unique.
    reference = models.CharField(  # noqa: DJ001
        _("reference"), max_length=20, unique=True, null=True, editable=False
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name=_("owner"),
    )
    manager = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_sites",
        verbose_name=_("manager, if different"),
    )
    internal_reference = models.CharField(_("your internal reference"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    # Location
    street = models.CharField(_("street"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    box = models.CharField(_("box"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("commune"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    cadastral_parcels = models.JSONField(
        _("cadastral parcels (CaPaKey)"),
        default=list,
        blank=True,
        validators=[validate_capakey_list],
    )
    public_precision = models.CharField(
        _("location shown to the public"),
        max_length=20,
        choices=PublicPrecision.choices,
        default=PublicPrecision.APPROXIMATE,
    )
    public_transport = models.TextField(_("public transport access"), blank=True)

    # Kind and state of the property
    kind = models.ForeignKey(
        "reference.SiteKind",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("kind"),
    )
    former_use = models.CharField(_("former use"), max_length=200, blank=True)
    vacancy_reason = models.TextField(_("why it is vacant"), blank=True)
    future_project = models.TextField(_("future project"), blank=True)
    future_project_start = models.DateField(
        _("expected start of the future project"), null=True, blank=True
    )
    vacant_since = models.DateField(_("vacant since"), null=True, blank=True)
    condition = models.ForeignKey(
        "reference.Condition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("condition"),
    )
    heritage_listed = models.BooleanField(_("listed heritage"), default=False)

    # Availability
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(
        _("available until"), null=True, blank=True, help_text=_("Leave empty if open-ended.")
    )
    min_duration_months = models.PositiveSmallIntegerField(
        _("minimum duration (months)"), null=True, blank=True
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), null=True, blank=True
    )
    notice_period_months = models.PositiveSmallIntegerField(
        _("notice period (months)"), null=True, blank=True
    )
    extension_possible = models.BooleanField(_("extension possible"), default=False)

    # Technical
    has_electricity = models.BooleanField(_("electricity"), default=False)
    has_water = models.BooleanField(_("water"), default=False)
    has_heating = models.BooleanField(_("heating"), default=False)
    has_toilets = models.BooleanField(_("toilets"), default=False)
    has_kitchen = models.BooleanField(_("kitchen"), default=False)
    has_internet = models.BooleanField(_("internet"), default=False)
    ceiling_height_m = models.DecimalField(
        _("ceiling height (m)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    has_loading_access = models.BooleanField(_("loading access or goods lift"), default=False)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    open_to_public = models.BooleanField(_("can be open to the public"), default=False)
    max_occupancy = models.PositiveIntegerField(
        _("maximum occupancy (people)"), null=True, blank=True
    )
    fire_safety_status = models.CharField(
        _("fire-safety advice (SIAMU/DBDMH)"),
        max_length=20,
        choices=FireSafetyStatus.choices,
        default=FireSafetyStatus.NOT_REQUESTED,
    )
    fire_safety_date = models.DateField(_("date of the fire-safety advice"), null=True, blank=True)

    # Uses
    allowed_activities = models.ManyToManyField(
        "reference.ActivityType", blank=True, verbose_name=_("activities allowed")
    )
    restrictions = models.TextField(_("restrictions"), blank=True)
    noise_and_hours_limits = models.TextField(_("noise and opening-hour limits"), blank=True)
    housing_allowed = models.BooleanField(_("housing allowed"), default=False)

    # Terms
    economic_model = models.ForeignKey(
        "reference.EconomicModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("economic model"),
    )
    fee_amount = models.DecimalField(
        _("fee (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Per m² per month, per person per month or per month, as the model says."),
    )
    charges_monthly = models.DecimalField(
        _("estimated charges per month (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deposit = models.DecimalField(
        _("deposit (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    insurance = models.TextField(_("who insures what"), blank=True)
    owner_expectations = models.TextField(_("what the owner expects"), blank=True)

    # Figures the domain functions derive from the units (`site_refresh_figures`), so the
    # catalogue filters in the database.
    total_surface_m2 = models.DecimalField(
        _("total surface (m²)"), max_digits=10, decimal_places=1, default=0
    )
    estimated_monthly_cost = models.DecimalField(
        _("estimated monthly cost (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    # Workflow: set only by properties.domain.site_transition.
    state = models.CharField(
        _("state"), max_length=20, choices=SiteState.choices, default=SiteState.DRAFT
    )
    publication = models.CharField(
        _("publication"), max_length=20, choices=Publication.choices, blank=True
    )
    desk_message = models.TextField(_("message from the desk"), blank=True)
    closed_reason = models.CharField(
        _("closed because"), max_length=20, choices=ClosedReason.choices, blank=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_sites",
        verbose_name=_("reviewer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    # How summaries write these numbers (`loket.formatting.field_value`).
    number_kinds = {
        "ceiling_height_m": LENGTH,
        "fee_amount": MONEY,
        "charges_monthly": MONEY,
        "deposit": MONEY,
        "total_surface_m2": AREA,
        "estimated_monthly_cost": MONEY,
    }

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "publication"]),
            models.Index(fields=["commune", "state"]),
            models.Index(fields=["total_surface_m2"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="site_availability_in_order",
                violation_error_message=_("“Available until” must not be before “available from”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or _('new site')} – {self.title or self.address}"

    @property
    def address(self) -> str:
        street = " ".join(part for part in (self.street, self.number) if part)
        if self.box:
            street = f"{street} {_('box')} {self.box}"
        return ", ".join(part for part in (street, self.postcode) if part)
