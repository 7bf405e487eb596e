from django.utils.translation import gettext_lazy as _

from loket.workflow import WorkflowConflict, WorkflowError


class SiteError(WorkflowError):
    """A business rule said no. `message` is translated and safe to show to the user."""


class SiteConflict(WorkflowConflict, SiteError):
    """Someone else changed the site's state first (two caseworkers, or a double submit)."""

    default_message = _(
        "Someone else changed this site a moment ago. Reload the page to see its state."
    )


class SiteIncomplete(SiteError):
    """The strict checks of a submission failed: `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(_("The site is not complete yet."))
        self.errors = errors
