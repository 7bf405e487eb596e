from django.db import models
from django.utils.translation import gettext_lazy as _

from loket.workflow import Transition, state_field

from ..enums import SiteState


class SiteTransition(Transition):
    """One change of a site's state. Written only by `properties.domain.site_transition`."""

    site = models.ForeignKey(
        "properties.Site",
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("site"),
    )
    from_state = state_field(_("from"), SiteState)
    to_state = state_field(_("to"), SiteState)
