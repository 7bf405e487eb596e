from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule said no. `message` is translated and safe to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ApplicationConflict(ApplicationError):
    """Someone else changed the application first (a double submit, two caseworkers)."""

    def __init__(self):
        super().__init__(
            _("Someone else changed this application a moment ago. Reload the page to see it.")
        )


class ApplicationIncomplete(ApplicationError):
    """The strict checks of a submission failed: `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(_("The application is not complete yet."))
        self.errors = errors
