from django.utils.translation import gettext_lazy as _


class SiteError(Exception):
    """A business rule said no. `message` is translated and safe to show to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class SiteConflict(SiteError):
    """Someone else changed the site's state first (two caseworkers, or a double submit)."""

    def __init__(self):
        super().__init__(
            _("Someone else changed this site a moment ago. Reload the page to see its state.")
        )


class SiteIncomplete(SiteError):
    """The strict checks of a submission failed: `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list]):
        super().__init__(_("The site is not complete yet."))
        self.errors = errors
