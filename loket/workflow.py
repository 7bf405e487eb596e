"""One way to change a workflow's state, and one shape for its history.

Sites, applications, matches, occupations and visit slots each move through states. Each
declares a `Workflow` in its own app: its record model, its allowed moves ((from, to) -> the
sides that may make the move), its history model (a subclass of `Transition`), the sides an
actor speaks for, its error classes and its notifications. Its transition function then calls
`transition()`, which in one transaction checks the move, swaps the state only if nobody
changed it meanwhile, writes the history row and puts the messages in the outbox.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    """Who acted, in every history table. The jury joins with calls for projects."""

    OWNER = "owner", pgettext_lazy("side", "The owner")
    HOLDER = "holder", pgettext_lazy("side", "The project holder")
    DESK = "desk", pgettext_lazy("side", "The desk")
    # A scheduled task (expiry, "ending"), or a move made on nobody's behalf.
    SYSTEM = "system", pgettext_lazy("side", "Loket itself")


class WorkflowError(Exception):
    """A business rule said no. `message` is translated and safe to show to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class WorkflowConflict(WorkflowError):
    """Someone else changed the record's state first: the loser of the compare-and-swap. A
    workflow's own conflict class names its record in `default_message`."""

    default_message = _("Someone else changed this a moment ago. Reload the page to see it.")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


class Transition(models.Model):
    """One change of a record's state: who, on which side, from, to, why and when. The base
    of every history table; a concrete table adds the foreign key to its record and declares
    its states with `state_field`. Rows are written only by `transition` and `record_start`."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("by")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        # A record's first row comes from nowhere: its from_state is empty.
        origin = self.get_from_state_display() if self.from_state else ""
        return f"{origin} → {self.get_to_state_display()}".strip()

    def reason_text(self) -> str:
        """The reason in the reader's language. Loket's own moves record a msgid (marked with
        `gettext_noop`), translated here; people's reasons stay as they wrote them."""
        return gettext(self.reason) if self.side == Side.SYSTEM and self.reason else self.reason


def state_field(label, states: type[models.TextChoices]) -> models.CharField:
    """A history row's `from_state` or `to_state`. Empty for the row that records a new
    record's first state."""
    return models.CharField(label, max_length=20, choices=states.choices, blank=True)


@dataclass(frozen=True)
class Workflow:
    """What one workflow declares; `transition` does the rest."""

    model: type[models.Model]
    states: type[models.TextChoices]
    # (from, to) -> the sides that may make the move. ("", state) is a record's creation.
    allowed: Mapping[tuple[str, str], frozenset[str] | set[str]]
    history: type[Transition]
    # The history model's foreign key to the record.
    history_fk: str
    # The sides `actor` may speak for on the record (None is the system).
    sides: Callable[..., set[str]]
    error: type[WorkflowError]
    conflict: type[WorkflowConflict]
    # The refusal of a move, with %(from)s and %(to)s: "A site cannot go from … to …".
    refusal: str
    # "app.notifications.notify_transition": called with the history row, inside the
    # transaction. A dotted path, because notification modules import their app's domain.
    notify: str = ""
    # Fields stamped with the time of the change.
    touch: tuple[str, ...] = field(default=("updated_at",))

    def side_for(self, actor, record, from_state: str, to_state: str) -> str:
        """The side `actor` makes this move for, or the workflow's error if none may. The
        desk wins when the actor speaks for several sides, as it may act for either."""
        allowed = self.allowed.get((from_state, to_state), ())
        sides = set(self.sides(actor, record)) & set(allowed)
        if not sides:
            raise self.error(
                self.refusal % {"from": self._label(from_state), "to": self._label(to_state)}
            )
        return Side.DESK if Side.DESK in sides else sorted(sides)[0]

    def allowed_targets(self, record, actor) -> list[str]:
        """The states `actor` may move the record to from where it is now."""
        sides = set(self.sides(actor, record))
        return [
            to for (frm, to), who in self.allowed.items() if frm == record.state and sides & who
        ]

    def _label(self, state: str) -> str:
        return self.states(state).label if state else "—"


@transaction.atomic
def transition(
    workflow: Workflow,
    *,
    record,
    to_state: str,
    actor,
    reason: str = "",
    data: dict | None = None,
    fields: dict | None = None,
    history: dict | None = None,
    side: str | None = None,
) -> Transition:
    """Move `record` to `to_state`, the one way every workflow does it.

    Checks that `actor` speaks for a side allowed to make the move (else `workflow.error`);
    swaps the state only if it is still the one `record` holds, so of two callers working
    from the same state exactly one wins and the other gets `workflow.conflict`; saves
    `fields` with it; writes the history row (with the extra columns in `history`) and the
    outbox messages. Returns the history row; `record` holds the new state and fields.

    `side` is the one `workflow.side_for` already gave a caller that needed it before the
    move (a match records who ended it); it is not asked again.
    """
    from_state = record.state
    if side is None or side not in workflow.allowed.get((from_state, to_state), ()):
        side = workflow.side_for(actor, record, from_state, to_state)
    now = timezone.now()
    values = dict.fromkeys(workflow.touch, now) | dict(fields or {})
    changed = workflow.model.objects.filter(pk=record.pk, state=from_state).update(
        state=to_state, **values
    )
    if changed != 1:
        raise workflow.conflict()
    record.state = to_state
    for name, value in values.items():
        setattr(record, name, value)
    return _write(workflow, record, actor, side, from_state, to_state, reason, data, history)


@transaction.atomic
def record_start(
    workflow: Workflow,
    *,
    record,
    actor,
    reason: str = "",
    data: dict | None = None,
    history: dict | None = None,
) -> Transition:
    """The history row of a record just created in its first state: from "" to its state,
    allowed as ("", state) in the workflow's moves."""
    side = workflow.side_for(actor, record, "", record.state)
    return _write(workflow, record, actor, side, "", record.state, reason, data, history)


def _write(workflow, record, actor, side, from_state, to_state, reason, data, history):
    row = workflow.history.objects.create(
        **{workflow.history_fk: record},
        actor=actor,
        side=side,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
        **(history or {}),
    )
    if workflow.notify:
        import_string(workflow.notify)(row)
    return row
