from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loket.workflow import Transition, state_field
from properties.enums import FireSafetyStatus

from ..enums import (
    ExtensionDecision,
    IncidentSeverity,
    InsuranceKind,
    OccupationState,
)


def _money(label):
    return models.DecimalField(
        label,
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class Occupation(models.Model):
    """A signed agreement being lived: who occupies which units of which site, on what terms.

    Created by `match_sign`. Lifecycle: preparing (signed, not started) → running → ending
    (within 60 days of the planned end; a daily task moves it) → ended, with the end-of-
    occupation checklist. Only `occupation_transition` changes `state`; it also moves the site
    (partly or fully occupied) and the application (occupying, then closed).
    """

    match = models.OneToOneField(
        "matching.Match",
        on_delete=models.PROTECT,
        related_name="occupation",
        verbose_name=_("match"),
    )
    site = models.ForeignKey(
        "properties.Site",
        on_delete=models.PROTECT,
        related_name="occupations",
        verbose_name=_("site"),
    )
    application = models.ForeignKey(
        "projects.Application",
        on_delete=models.PROTECT,
        related_name="occupations",
        verbose_name=_("application"),
    )
    units = models.ManyToManyField(
        "properties.Unit", through="OccupationUnit", blank=True, verbose_name=_("units")
    )
    occupants = models.ManyToManyField(
        "organisations.Organisation", related_name="occupations", verbose_name=_("occupants")
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=OccupationState.choices,
        default=OccupationState.PREPARING,
    )
    # The agreement
    contract_type = models.ForeignKey(
        "reference.ContractType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("contract type"),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(_("notice (months)"), null=True, blank=True)
    fee_monthly = _money(_("monthly fee (€)"))
    charges_monthly = _money(_("monthly charges (€)"))
    deposit = _money(_("deposit (€)"))
    # Planning and safety
    planning_regime = models.ForeignKey(
        "reference.PlanningRegime",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("planning regime"),
    )
    planning_notified_on = models.DateField(
        _("planning notification sent on"), null=True, blank=True
    )
    permit_reference = models.CharField(_("permit reference"), max_length=100, blank=True)
    permit_expires_on = models.DateField(_("permit expires on"), null=True, blank=True)
    fire_safety_status = models.CharField(
        _("fire-safety advice"),
        max_length=20,
        choices=FireSafetyStatus.choices,
        default=FireSafetyStatus.NOT_REQUESTED,
    )
    # The end
    extension_decision = models.CharField(
        _("extension"),
        max_length=15,
        choices=ExtensionDecision.choices,
        default=ExtensionDecision.UNDECIDED,
        blank=True,
    )
    exit_inspection_on = models.DateField(_("exit inspection"), null=True, blank=True)
    final_report = models.TextField(_("final report"), blank=True)
    stays_in_future_project = models.BooleanField(
        _("occupant stays in the future project"), null=True, blank=True
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["state", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="occupation_dates_in_order",
                violation_error_message=_("The end must not be before the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} – {self.application}"


class OccupationUnit(models.Model):
    """A unit promised to an occupation for a period. On PostgreSQL an exclusion constraint
    (migration 0002) refuses two rows for one unit with overlapping periods, so no unit is
    promised twice, whatever the race. `ends_on` NULL is open-ended; an ended occupation's
    rows keep the dates it actually ran."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="bookings")
    unit = models.ForeignKey(
        "properties.Unit", on_delete=models.PROTECT, related_name="bookings", verbose_name=_("unit")
    )
    starts_on = models.DateField(pgettext_lazy("period", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("promised unit")
        verbose_name_plural = _("promised units")
        constraints = [
            models.UniqueConstraint(fields=["occupation", "unit"], name="booking_unit_once"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="booking_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_on}–{self.ends_on or '…'}"


class OccupationTransition(Transition):
    """One change of an occupation's state. Written only by `match_sign` (its first row) and
    `occupation_transition`."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="transitions")
    from_state = state_field(_("from"), OccupationState)
    to_state = state_field(_("to"), OccupationState)


class InsuranceCertificate(models.Model):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="insurance_certificates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InsuranceKind.choices)
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100, blank=True)
    expires_on = models.DateField(_("expires on"))

    class Meta:
        verbose_name = _("insurance certificate")
        verbose_name_plural = _("insurance certificates")
        ordering = ["expires_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.insurer}"


class SteeringMeeting(models.Model):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="steering_meetings"
    )
    held_on = models.DateField(_("date"))
    participants = models.TextField(_("participants"))
    minutes = models.TextField(pgettext_lazy("meeting", "minutes"), blank=True)

    class Meta:
        verbose_name = _("steering-committee meeting")
        verbose_name_plural = _("steering-committee meetings")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return str(self.held_on)


class Incident(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="incidents")
    happened_on = models.DateField(_("date"))
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=IncidentSeverity.choices,
        default=IncidentSeverity.MINOR,
    )
    description = models.TextField(_("what happened"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.happened_on}: {self.get_severity_display()}"


class IndicatorReport(models.Model):
    """What an occupation achieved over a period: the figures perspective.brussels collects."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="indicators")
    period_end = models.DateField(_("period ending"))
    users = models.PositiveIntegerField(_("regular users"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    activities = models.PositiveIntegerField(_("activities held"), default=0)
    jobs = models.PositiveIntegerField(_("jobs (FTE)"), default=0)

    class Meta:
        verbose_name = _("indicators")
        verbose_name_plural = _("indicators")
        ordering = ["period_end", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "period_end"], name="indicators_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return str(self.period_end)
