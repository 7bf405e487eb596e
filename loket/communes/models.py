from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Commune(models.Model):
    """One of the 19 communes of the Brussels-Capital Region, keyed by its NIS code.

    Loaded by a data migration. A postcode does not decide the commune (1000, 1020, 1120, 1130
    and parts of 1040 and 1050 are Brussels City), so addresses name the commune and
    `check_postcode` verifies that the two fit.
    """

    nis_code = models.CharField(_("NIS code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    postcodes = models.JSONField(_("postcodes"), default=list)
    # The commune's centre: where the map opens, and the offline geocoder's fallback.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["nis_code"]

    def __str__(self) -> str:
        return self.name

    def accepts_postcode(self, postcode: str) -> bool:
        return str(postcode).strip() in self.postcodes

    def check_postcode(self, postcode: str) -> None:
        if not self.accepts_postcode(postcode):
            raise ValidationError(
                _("Postcode %(postcode)s is not in %(commune)s (it has %(postcodes)s)."),
                code="postcode_commune_mismatch",
                params={
                    "postcode": postcode,
                    "commune": self.name,
                    "postcodes": ", ".join(self.postcodes),
                },
            )
