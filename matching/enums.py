from django.db import models
from django.utils.translation import pgettext_lazy


class MatchState(models.TextChoices):
    SUGGESTED = "suggested", pgettext_lazy("match state", "Suggested")
    SHORTLISTED = "shortlisted", pgettext_lazy("match state", "Shortlisted")
    PROPOSED_OWNER = "proposed_owner", pgettext_lazy("match state", "Proposed to the owner")
    OWNER_ACCEPTED = "owner_accepted", pgettext_lazy("match state", "Owner accepted")
    OWNER_DECLINED = "owner_declined", pgettext_lazy("match state", "Owner declined")
    PROPOSED_HOLDER = "proposed_holder", pgettext_lazy("match state", "Proposed to the holder")
    HOLDER_ACCEPTED = "holder_accepted", pgettext_lazy("match state", "Holder accepted")
    HOLDER_DECLINED = "holder_declined", pgettext_lazy("match state", "Holder declined")
    VISIT_PLANNED = "visit_planned", pgettext_lazy("match state", "Visit planned")
    VISIT_DONE = "visit_done", pgettext_lazy("match state", "Visit done")
    AGREED = "agreed", pgettext_lazy("match state", "Agreed")
    DRAFTING = "drafting", pgettext_lazy("match state", "Agreement being drafted")
    SIGNED = "signed", pgettext_lazy("match state", "Signed")
    WITHDRAWN = "withdrawn", pgettext_lazy("match state", "Withdrawn")


M = MatchState
# A match in one of these states is over: nothing more can happen to it.
FINAL_STATES = (M.OWNER_DECLINED, M.HOLDER_DECLINED, M.SIGNED, M.WITHDRAWN)
# Still alive: at most one such match per application and site.
OPEN_STATES = tuple(s for s in M if s not in FINAL_STATES)
# The owner agreed and no visit is planned yet: the desk or the owner may offer visit times.
VISIT_OFFER_STATES = (M.OWNER_ACCEPTED, M.PROPOSED_HOLDER, M.HOLDER_ACCEPTED)


class Direction(models.TextChoices):
    """Which side a stored suggestion ranks for."""

    SITES_FOR_APPLICATION = "a", pgettext_lazy("suggestion direction", "Sites for an application")
    APPLICATIONS_FOR_SITE = "s", pgettext_lazy("suggestion direction", "Applications for a site")


class VisitState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("visit state", "Proposed")
    CONFIRMED = "confirmed", pgettext_lazy("visit state", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("visit state", "Cancelled")


class OccupationState(models.TextChoices):
    PREPARING = "preparing", pgettext_lazy("occupation state", "Preparing")
    RUNNING = "running", pgettext_lazy("occupation state", "Running")
    ENDING = "ending", pgettext_lazy("occupation state", "Ending")
    ENDED = "ended", pgettext_lazy("occupation state", "Ended")


# Occupations that hold their units.
ACTIVE_OCCUPATION_STATES = (
    OccupationState.PREPARING,
    OccupationState.RUNNING,
    OccupationState.ENDING,
)
# An occupation is "ending" within this many days of its planned end.
ENDING_WITHIN_DAYS = 60
# Warn when the planning notification is still missing this close to the start.
PLANNING_WARNING_DAYS = 60


class InsuranceKind(models.TextChoices):
    LIABILITY_FIRE = (
        "liability_fire",
        pgettext_lazy(
            "insurance kind", "Public liability and fire (compulsory when open to the public)"
        ),
    )
    FIRE = "fire", pgettext_lazy("insurance kind", "Fire")
    LIABILITY = "liability", pgettext_lazy("insurance kind", "Public liability")
    CONTENTS = "contents", pgettext_lazy("insurance kind", "Contents")
    OTHER = "other", pgettext_lazy("insurance kind", "Other")


class ExtensionDecision(models.TextChoices):
    UNDECIDED = "", pgettext_lazy("extension", "Not decided")
    EXTENDED = "extended", pgettext_lazy("extension", "Extended")
    NOT_EXTENDED = "not_extended", pgettext_lazy("extension", "Not extended")


class IncidentSeverity(models.TextChoices):
    MINOR = "minor", pgettext_lazy("incident severity", "Minor")
    SERIOUS = "serious", pgettext_lazy("incident severity", "Serious")
    CRITICAL = "critical", pgettext_lazy("incident severity", "Critical")
