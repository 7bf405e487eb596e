from django.utils.translation import gettext_lazy as _

from loket.workflow import WorkflowConflict, WorkflowError


class ApplicationError(WorkflowError):
    """A business rule said no. `message` is translated and safe to show."""


class ApplicationConflict(WorkflowConflict, ApplicationError):
    """Someone else changed the application first (a double submit, two caseworkers)."""

    default_message = _(
        "Someone else changed this application a moment ago. Reload the page to see it."
    )


class ApplicationIncomplete(ApplicationError):
    """The strict checks of a submission failed: `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(_("The application is not complete yet."))
        self.errors = errors
