from django.utils.translation import gettext_lazy as _


class MatchError(Exception):
    """A business rule said no. `message` is translated and safe to show to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class MatchConflict(MatchError):
    """Someone else acted on the match first (two caseworkers, or a double submit)."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _("Someone else was faster: this match changed a moment ago. Reload to see it.")
        )


class VisitSlotTaken(MatchConflict):
    """Another confirmation of a visit time for the same match won: the visit is planned."""

    def __init__(self):
        super().__init__(
            _(
                "Someone else was faster: a visit time for this match was confirmed a moment "
                "ago. Reload to see which one."
            ),
        )


class UnitsTaken(MatchError):
    """A unit is already promised to another agreement for an overlapping period."""

    def __init__(self, names: list[str]):
        super().__init__(
            _("Already promised to another agreement for overlapping dates: %(units)s.")
            % {"units": ", ".join(names)}
        )
        self.names = names


class OccupationError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class OccupationConflict(OccupationError):
    def __init__(self):
        super().__init__(
            _("Someone else was faster: this occupation changed a moment ago. Reload to see it.")
        )
