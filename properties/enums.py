from django.db import models
from django.utils.translation import pgettext_lazy


class SiteState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("site state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("site state", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("site state", "Under review by the desk")
    PUBLISHED = "published", pgettext_lazy("site state", "Published")
    PARTLY_OCCUPIED = "partly_occupied", pgettext_lazy("site state", "Partly occupied")
    FULLY_OCCUPIED = "fully_occupied", pgettext_lazy("site state", "Fully occupied")
    SUSPENDED = "suspended", pgettext_lazy("site state", "Suspended")
    RELEASED = "released", pgettext_lazy("site state", "Released")
    WITHDRAWN = "withdrawn", pgettext_lazy("site state", "Withdrawn")
    CLOSED = "closed", pgettext_lazy("site state", "Closed")


# States in which the site is offered (to the public or the desk, depending on publication).
OFFERED_STATES = (SiteState.PUBLISHED, SiteState.PARTLY_OCCUPIED)
# States the public may see when the publication is public.
VISIBLE_STATES = (SiteState.PUBLISHED, SiteState.PARTLY_OCCUPIED, SiteState.FULLY_OCCUPIED)
# The desk's review queue.
TO_REVIEW_STATES = (SiteState.SUBMITTED, SiteState.UNDER_REVIEW)
# The owner may still edit the site's content.
EDITABLE_STATES = (SiteState.DRAFT, SiteState.SUBMITTED, SiteState.UNDER_REVIEW)
FINAL_STATES = (SiteState.RELEASED, SiteState.WITHDRAWN, SiteState.CLOSED)


class Publication(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("publication", "Public: catalogue and map")
    DESK_ONLY = "desk_only", pgettext_lazy("publication", "Desk only: caseworkers")


class PublicPrecision(models.TextChoices):
    EXACT = "exact", pgettext_lazy("precision", "Exact location")
    APPROXIMATE = "approximate", pgettext_lazy("precision", "Approximate (within about 250 m)")
    HIDDEN = "hidden", pgettext_lazy("precision", "Hidden: commune only")


class FireSafetyStatus(models.TextChoices):
    NOT_REQUESTED = "not_requested", pgettext_lazy("fire safety", "Not requested")
    REQUESTED = "requested", pgettext_lazy("fire safety", "Requested")
    FAVOURABLE = "favourable", pgettext_lazy("fire safety", "Favourable")
    CONDITIONAL = "conditional", pgettext_lazy("fire safety", "Favourable with conditions")
    UNFAVOURABLE = "unfavourable", pgettext_lazy("fire safety", "Unfavourable")


class ClosedReason(models.TextChoices):
    DEMOLISHED = "demolished", pgettext_lazy("closed reason", "Demolished")
    WORKS_STARTED = "works_started", pgettext_lazy("closed reason", "Works started")
