from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedSearch(models.Model):
    """A holder's catalogue search, kept to be told when a fitting site is published.

    `query` is the catalogue's query string, to reopen the search as it was. The criteria are
    also stored as columns, so that `selectors.saved_searches_fitting(site)` finds the searches a
    site fits in one indexed query, however many there are. No communes means anywhere.
    A user's searches have distinct names: `domain.saved_searches.saved_search_create`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search"), max_length=1000, blank=True)
    communes = models.ManyToManyField("communes.Commune", blank=True, verbose_name=_("communes"))
    surface_min = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    surface_max = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    kind = models.ForeignKey("reference.SiteKind", on_delete=models.CASCADE, null=True, blank=True)
    activity = models.ForeignKey(
        "reference.ActivityType", on_delete=models.CASCADE, null=True, blank=True
    )
    economic_model = models.ForeignKey(
        "reference.EconomicModel", on_delete=models.CASCADE, null=True, blank=True
    )
    max_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    needs_open_to_public = models.BooleanField(default=False)
    needs_step_free = models.BooleanField(default=False)
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["surface_min", "surface_max"])]
        constraints = [
            # A double submit cannot keep the same search twice (and send every alert twice).
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class SavedSearchMatch(models.Model):
    """A published site that fits a saved search; the alert is sent by the notifications."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    site = models.ForeignKey("properties.Site", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "site"], name="saved_search_match_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search} – {self.site_id}"
