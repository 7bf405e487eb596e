from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loket.formatting import AREA, MONEY

from ..enums import (
    ApplicationState,
    ClosedReason,
    DocumentKind,
    DurationUnit,
    PublicAccess,
    SpaceKind,
    Tenure,
)


def _positive(**kwargs):
    return {"null": True, "blank": True, "validators": [MinValueValidator(0)], **kwargs}


class Application(models.Model):
    """A project holder's request for space, made for an organisation (possibly a consortium).

    Lifecycle: draft → submitted → (incomplete → submitted)* → qualified → searching → matched →
    occupying → closed (with a reason). Only `projects.domain.application_transition` changes
    `state`; it writes an `ApplicationTransition` row. A draft may be incomplete: strict checks
    run in `application_submit`, which also gives the reference (LTG-YYYY-NNNN) on the first
    submission. A request not confirmed for 12 months expires.
    """

    reference = models.CharField(  # noqa: DJ001 - NULL until the first submission, unique
        _("reference"), max_length=20, unique=True, null=True, editable=False
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_applications",
        verbose_name=_("partner organisations on Loket"),
    )
    partners_text = models.TextField(_("other partners"), blank=True)
    prefilled_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )

    # Project
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.CharField(_("summary in one sentence"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    activity_types = models.ManyToManyField(
        "reference.ActivityType", blank=True, verbose_name=_("activity types")
    )
    intended_use = models.TextField(_("what the space will be used for"), blank=True)
    programme = models.JSONField(
        _("mixed programme"),
        default=list,
        blank=True,
        help_text=_("Uses and their shares, for example studios 60 %, housing 30 %."),
    )

    # Space
    surface_min = models.DecimalField(
        _("minimum surface (m²)"), max_digits=9, decimal_places=1, **_positive()
    )
    surface_ideal = models.DecimalField(
        _("ideal surface (m²)"), max_digits=9, decimal_places=1, **_positive()
    )
    surface_max = models.DecimalField(
        _("maximum surface (m²)"), max_digits=9, decimal_places=1, **_positive()
    )
    space_kind = models.CharField(
        _("building or land"), max_length=10, choices=SpaceKind.choices, default=SpaceKind.EITHER
    )
    several_units_ok = models.BooleanField(_("several separate units are fine"), default=True)
    needs_ground_floor = models.BooleanField(_("ground floor"), default=False)
    needs_loading = models.BooleanField(_("loading access"), default=False)
    needs_water = models.BooleanField(_("water"), default=False)
    needs_power = models.BooleanField(_("electricity"), default=False)
    needs_heating = models.BooleanField(_("heating"), default=False)
    needs_kitchen = models.BooleanField(_("kitchen"), default=False)
    needs_step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility_needs = models.TextField(_("other accessibility needs"), blank=True)
    must_be_open_to_public = models.BooleanField(_("must be open to the public"), default=False)

    # Place
    communes = models.ManyToManyField(
        "communes.Commune", blank=True, verbose_name=_("preferred communes")
    )
    anywhere = models.BooleanField(_("anywhere in the Region"), default=False)
    wants_central = models.BooleanField(_("central"), default=False)
    wants_public_transport = models.BooleanField(
        _("well served by public transport"), default=False
    )

    # Time
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    duration_value = models.PositiveSmallIntegerField(_("duration"), null=True, blank=True)
    duration_unit = models.CharField(
        pgettext_lazy("duration", "unit"),
        max_length=10,
        choices=DurationUnit.choices,
        default=DurationUnit.MONTHS,
    )
    duration_flexible = models.BooleanField(_("the duration is flexible"), default=False)
    tenure = models.CharField(
        _("temporary or long-term"), max_length=10, choices=Tenure.choices, default=Tenure.TEMPORARY
    )

    # Money
    max_monthly_budget = models.DecimalField(
        _("maximum monthly budget, charges included (€)"),
        max_digits=10,
        decimal_places=2,
        **_positive(),
    )
    fitout_budget = models.DecimalField(
        _("budget for fit-out works (€)"), max_digits=12, decimal_places=2, **_positive()
    )

    # Use
    days_and_hours = models.CharField(_("days and hours of use"), max_length=300, blank=True)
    public_access = models.CharField(
        _("public access"), max_length=12, choices=PublicAccess.choices, default=PublicAccess.CLOSED
    )
    regular_users = models.PositiveIntegerField(_("regular users"), null=True, blank=True)
    weekly_visitors = models.PositiveIntegerField(_("visitors per week"), null=True, blank=True)
    max_event_attendance = models.PositiveIntegerField(
        _("largest event (people)"), null=True, blank=True
    )
    overnight_stay = models.BooleanField(_("people stay overnight"), default=False)
    housing_people = models.PositiveIntegerField(_("people housed"), null=True, blank=True)

    # Neighbourhood
    neighbourhood_value = models.TextField(_("value for the neighbourhood"), blank=True)
    local_partners = models.TextField(_("local partners"), blank=True)
    nuisance = models.TextField(_("possible nuisance and how you handle it"), blank=True)
    commune_contacted = models.BooleanField(_("the commune has been contacted"), default=False)

    # Capacity
    earlier_occupations = models.TextField(_("earlier temporary occupations"), blank=True)
    insurance_held = models.TextField(_("insurance held"), blank=True)
    references_text = models.TextField(_("references"), blank=True)

    # Consent
    consent_to_share = models.BooleanField(
        _("I agree that the desk shares this file with the owners of the sites it proposes"),
        default=False,
    )

    # Workflow: set only by projects.domain.
    state = models.CharField(
        _("state"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    closed_reason = models.CharField(
        _("closed because"), max_length=20, choices=ClosedReason.choices, blank=True
    )
    desk_message = models.TextField(_("what the desk asks for"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("caseworker"),
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
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    confirmed_at = models.DateTimeField(
        _("last confirmed"),
        null=True,
        blank=True,
        help_text=_(
            "Submission or the last “still looking?” confirmation; "
            "12 months later the request expires."
        ),
    )

    # How summaries write these numbers (`loket.formatting.field_value`).
    number_kinds = {
        "surface_min": AREA,
        "surface_ideal": AREA,
        "surface_max": AREA,
        "max_monthly_budget": MONEY,
        "fitout_budget": MONEY,
    }

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "assignee"]),
            models.Index(fields=["state", "confirmed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference or _('draft')} – {self.title or _('untitled')}"


def application_document_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/documents/{filename}"


def _private_storage():
    return storages["private"]


# Statutes, reports, budgets, plans: enough for any application, and a bound on the disk.
MAX_DOCUMENTS = 20


class ApplicationDocument(models.Model):
    """Statutes, reports, budgets, plans: PDF only, checked by content, private; at most
    MAX_DOCUMENTS per application."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file (PDF)"), upload_to=application_document_path, storage=_private_storage
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class ApplicationNote(models.Model):
    """A caseworker's internal note. Never shown to the holder."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("author")
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]
