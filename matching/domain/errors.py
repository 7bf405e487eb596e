from django.utils.translation import gettext_lazy as _

from loket.workflow import WorkflowConflict, WorkflowError


class MatchError(WorkflowError):
    """A business rule said no. `message` is translated and safe to show to the user."""


class MatchConflict(WorkflowConflict, MatchError):
    """Someone else acted on the match first (two caseworkers, or a double submit)."""

    default_message = _(
        "Someone else was faster: this match changed a moment ago. Reload to see it."
    )


class VisitSlotTaken(MatchConflict):
    """Another confirmation of a visit time for the same match won: the visit is planned."""

    default_message = _(
        "Someone else was faster: a visit time for this match was confirmed a moment "
        "ago. Reload to see which one."
    )


class UnitsTaken(MatchError):
    """A unit is already promised to another agreement for an overlapping period."""

    def __init__(self, names: list[str]):
        super().__init__(
            _("Already promised to another agreement for overlapping dates: %(units)s.")
            % {"units": ", ".join(names)}
        )
        self.names = names


class OccupationError(WorkflowError):
    """A business rule about an occupation said no; the message is translated."""


class OccupationConflict(WorkflowConflict, OccupationError):
    """Someone else moved the occupation first (an end and an extension at once, two
    caseworkers, or the daily task)."""

    default_message = _(
        "Someone else was faster: this occupation changed a moment ago. Reload to see it."
    )
