"""The brief's translated reference lists (section 2).

Each list is a small table loaded by a data migration, so caseworkers can correct a label in
NL, FR or EN in the admin without a release. Code that needs to recognise an item (the scoring,
the planning-notice rule) uses its stable `code`, never its label or primary key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceItem(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class ActivityType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


class SiteKind(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("site kind")
        verbose_name_plural = _("site kinds")


class UnitKind(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")


class Condition(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")


class EconomicModel(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("economic model")
        verbose_name_plural = _("economic models")


class ContractType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("contract type")
        verbose_name_plural = _("contract types")


class PlanningRegime(ReferenceItem):
    notice_days = models.PositiveSmallIntegerField(
        _("notification days before start"),
        null=True,
        blank=True,
        help_text=_("For exempted temporary uses: notify online at least this many days ahead."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("planning regime")
        verbose_name_plural = _("planning regimes")


class DeclineReason(ReferenceItem):
    needs_text = models.BooleanField(
        _("needs an explanation"),
        default=False,
        help_text=_("The person declining must explain in their own words."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("decline reason")
        verbose_name_plural = _("decline reasons")


REFERENCE_MODELS = (
    ActivityType,
    SiteKind,
    UnitKind,
    Condition,
    EconomicModel,
    ContractType,
    PlanningRegime,
    DeclineReason,
)
