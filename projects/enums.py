from django.db import models
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application state", "Submitted")
    INCOMPLETE = "incomplete", pgettext_lazy("application state", "Incomplete")
    QUALIFIED = "qualified", pgettext_lazy("application state", "Qualified")
    SEARCHING = "searching", pgettext_lazy("application state", "Searching")
    MATCHED = "matched", pgettext_lazy("application state", "Matched")
    OCCUPYING = "occupying", pgettext_lazy("application state", "Occupying")
    CLOSED = "closed", pgettext_lazy("application state", "Closed")


# Requests the desk is working on: they count in the demand figures.
OPEN_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.INCOMPLETE,
    ApplicationState.QUALIFIED,
    ApplicationState.SEARCHING,
    ApplicationState.MATCHED,
)
# The holder may still change the content.
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.INCOMPLETE)


class ClosedReason(models.TextChoices):
    OCCUPATION_ENDED = "occupation_ended", pgettext_lazy("closed reason", "Occupation ended")
    WITHDRAWN = "withdrawn", pgettext_lazy("closed reason", "Withdrawn")
    NO_MATCH = "no_match", pgettext_lazy("closed reason", "No match")
    EXPIRED = "expired", pgettext_lazy("closed reason", "Expired")
    INELIGIBLE = "ineligible", pgettext_lazy("closed reason", "Ineligible")


class SpaceKind(models.TextChoices):
    BUILDING = "building", pgettext_lazy("space kind", "A building")
    LAND = "land", pgettext_lazy("space kind", "Land")
    EITHER = "either", pgettext_lazy("space kind", "Either")


class DurationUnit(models.TextChoices):
    MONTHS = "months", pgettext_lazy("duration unit", "months")
    YEARS = "years", pgettext_lazy("duration unit", "years")


class Tenure(models.TextChoices):
    TEMPORARY = "temporary", pgettext_lazy("tenure", "Temporary use")
    LONG_TERM = "long_term", pgettext_lazy("tenure", "A long-term or permanent home")


class PublicAccess(models.TextChoices):
    OPEN = "open", pgettext_lazy("public access", "Open to the public")
    APPOINTMENT = "appointment", pgettext_lazy("public access", "By appointment")
    CLOSED = "closed", pgettext_lazy("public access", "Closed to the public")


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", pgettext_lazy("document kind", "Statutes")
    ACTIVITY_REPORT = "activity_report", pgettext_lazy("document kind", "Activity report")
    BUDGET = "budget", pgettext_lazy("document kind", "Budget")
    PLANS = "plans", pgettext_lazy("document kind", "Plans")
    OTHER = "other", pgettext_lazy("document kind", "Other")


# Surface bands for the demand figures and the admin filter, in m²: (code, lower, upper).
SURFACE_BANDS = (
    ("lt100", 0, 100),
    ("100-499", 100, 500),
    ("500-1999", 500, 2000),
    ("2000plus", 2000, None),
)
