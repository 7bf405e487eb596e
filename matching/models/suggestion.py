from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Direction


class Suggestion(models.Model):
    """A stored result of the scoring engine: one site ranked for one application, or one
    application ranked for one site (`direction`). Rewritten, never edited, by
    `matching.domain.suggestions` when either side changes; the desk reads them."""

    direction = models.CharField(max_length=1, choices=Direction.choices)
    application = models.ForeignKey(
        "projects.Application", on_delete=models.CASCADE, related_name="suggestions"
    )
    site = models.ForeignKey("properties.Site", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.PositiveSmallIntegerField(_("score"))
    lines = models.JSONField(_("explanation"), default=list)
    unit_ids = models.JSONField(_("units"), default=list)
    surface_m2 = models.DecimalField(_("surface (m²)"), max_digits=9, decimal_places=1)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["direction", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "application", "site"], name="suggestion_unique_pair"
            )
        ]
        indexes = [
            models.Index(fields=["direction", "application", "rank"]),
            models.Index(fields=["direction", "site", "rank"]),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ↔ {self.site_id}: {self.score}"


class SiteSharing(models.Model):
    """The suggested sharing of a site between its best applications (`matching.sharing`),
    stored with the site's ranked applications and rewritten with them, so the desk's page of
    the site reads it instead of ranking again. `plan` is `sharing.Plan.as_dict()`."""

    site = models.OneToOneField(
        "properties.Site",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("site"),
    )
    plan = models.JSONField(_("Suggested sharing of the site"), default=dict)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    def __str__(self) -> str:
        return f"{self.site_id}: {self.plan}"
