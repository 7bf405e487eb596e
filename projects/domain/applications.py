"""Business actions on applications. Views, admin actions and tasks call these; none sets
`state` itself."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from loket.accounts.access import has_desk_powers
from loket.accounts.models import User
from loket.limits import DOUBLE_SUBMIT_WINDOW
from loket.organisations.models import Organisation
from loket.workflow import Side, Workflow, transition

from ..enums import ApplicationState, ClosedReason
from ..models import Application, ApplicationTransition, ReferenceCounter
from ..notifications import notify_renewal
from ..signals import application_changed
from .errors import ApplicationConflict, ApplicationError, ApplicationIncomplete

A = ApplicationState
HOLDER, DESK, SYSTEM = Side.HOLDER, Side.DESK, Side.SYSTEM
VALIDITY = timedelta(days=365)
# The renewal reminder goes out at about 11 months, a month before the expiry.
REMINDER_AFTER = timedelta(days=335)

ALLOWED = {
    (A.DRAFT, A.SUBMITTED): {HOLDER},
    (A.INCOMPLETE, A.SUBMITTED): {HOLDER},
    (A.SUBMITTED, A.INCOMPLETE): {DESK},
    (A.SUBMITTED, A.QUALIFIED): {DESK},
    (A.QUALIFIED, A.INCOMPLETE): {DESK},
    (A.QUALIFIED, A.SEARCHING): {DESK},
    (A.SEARCHING, A.MATCHED): {DESK},
    (A.MATCHED, A.SEARCHING): {DESK},
    (A.MATCHED, A.OCCUPYING): {DESK},
}
for _state in A:
    if _state != A.CLOSED:
        ALLOWED[(_state, A.CLOSED)] = {HOLDER, DESK, SYSTEM}


def actor_sides(actor: User | None, application: Application) -> set[str]:
    """The side `actor` acts for: the system (a task), the desk, or the holder (the views
    check membership)."""
    if actor is None:
        return {SYSTEM}
    return {DESK} if has_desk_powers(actor) else {HOLDER}


WORKFLOW = Workflow(
    model=Application,
    states=ApplicationState,
    allowed=ALLOWED,
    history=ApplicationTransition,
    history_fk="application",
    sides=actor_sides,
    error=ApplicationError,
    conflict=ApplicationConflict,
    refusal=_("An application cannot go from “%(from)s” to “%(to)s”."),
    notify="projects.notifications.notify_transition",
)


@transaction.atomic
def application_transition(
    *,
    application: Application,
    to_state: str,
    actor: User | None,
    reason: str = "",
    data: dict | None = None,
    **fields,
) -> Application:
    """The one way to change an application's state: `loket.workflow.transition` checks the
    move and who makes it, swaps the state (the loser of two concurrent callers gets
    ApplicationConflict), saves `fields` with it, records an ApplicationTransition and writes
    its messages to the outbox."""
    transition(
        WORKFLOW,
        record=application,
        to_state=to_state,
        actor=actor,
        reason=reason,
        data=data,
        fields=fields,
    )
    queue_suggestions(application)
    return application


def queue_suggestions(application: Application) -> None:
    """The desk's ranked suggestions follow the application, once the change is committed:
    matching receives `application_changed` (imports point down)."""
    application_changed.send(sender=Application, application=application)


def next_reference(year: int) -> str:
    """LTG-YYYY-NNNN, unique under concurrency: the year's counter row is locked while it is
    increased, inside the caller's transaction."""
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(year=year, last=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"LTG-{year}-{counter.last:04d}"


@transaction.atomic
def application_create(
    *, actor: User, organisation: Organisation, prefill_from: Application | None = None
) -> Application:
    """A new draft for `organisation`, empty or copied from one of its earlier applications.

    An empty draft asked for again by the same person within DOUBLE_SUBMIT_WINDOW, while the
    first is still untitled, is that first one: a double click opens one draft, not two.
    """
    if prefill_from is None:
        User.objects.select_for_update().only("pk").get(pk=actor.pk)
        blank = (
            Application.objects.filter(
                organisation=organisation,
                created_by=actor,
                state=A.DRAFT,
                prefilled_from__isnull=True,
                created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
                title="",
                description="",
                documents__isnull=True,
            )
            .order_by("-created_at")
            .first()
        )
        return blank or Application.objects.create(organisation=organisation, created_by=actor)
    if prefill_from.organisation_id != organisation.pk:
        raise ApplicationError(
            _("You can only start from one of your organisation's applications.")
        )
    source = Application.objects.get(pk=prefill_from.pk)
    many = {
        "activity_types": list(source.activity_types.all()),
        "communes": list(source.communes.all()),
        "partners": list(source.partners.all()),
    }
    copy = source
    copy.pk = None
    copy._state.adding = True
    for name in ("reference", "assignee", "submitted_at", "confirmed_at"):
        setattr(copy, name, None)
    copy.state = A.DRAFT
    copy.closed_reason = ""
    copy.desk_message = ""
    copy.consent_to_share = False
    copy.created_by = actor
    copy.prefilled_from_id = prefill_from.pk
    copy.save()
    for name, values in many.items():
        getattr(copy, name).set(values)
    return copy


def submission_errors(application: Application) -> dict[str, list]:
    """The strict checks a draft skips. Field name -> translated messages."""
    a = application
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not a.title:
        add("title", _("Give your project a title."))
    if not a.description:
        add("description", _("Describe your project."))
    if not a.activity_types.exists():
        add("activity_types", _("Choose at least one activity type."))
    if a.surface_min is None or a.surface_max is None:
        add("surface_min", _("Give the minimum and the maximum surface."))
    elif a.surface_min > a.surface_max:
        add("surface_min", _("The minimum surface is above the maximum."))
    elif a.surface_ideal is not None and not a.surface_min <= a.surface_ideal <= a.surface_max:
        add("surface_ideal", _("The ideal surface must lie between the minimum and the maximum."))
    if not a.anywhere and not a.communes.exists():
        add("communes", _("Choose at least one commune, or “anywhere in the Region”."))
    if a.desired_start is None:
        add("desired_start", _("Say when you would like to start."))
    elif a.desired_start < timezone.localdate():
        add("desired_start", _("The desired start is in the past."))
    if a.duration_value is None:
        add("duration_value", _("Say how long you need the space."))
    if a.max_monthly_budget is None:
        add("max_monthly_budget", _("Give your maximum monthly budget."))
    if not a.consent_to_share:
        add(
            "consent_to_share",
            _("The desk can only propose your file to owners with your consent."),
        )
    return errors


@transaction.atomic
def application_submit(*, application: Application, actor: User) -> Application:
    """Send a complete draft (or a completed incomplete file) to the desk."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state not in (A.DRAFT, A.INCOMPLETE):
        raise ApplicationConflict()
    errors = submission_errors(locked)
    if errors:
        raise ApplicationIncomplete(errors)
    now = timezone.now()
    fields = {"confirmed_at": now, "desk_message": ""}
    if locked.reference is None:
        fields["reference"] = next_reference(timezone.localdate().year)
        fields["submitted_at"] = now
    application_transition(application=locked, to_state=A.SUBMITTED, actor=actor, **fields)
    application.refresh_from_db()
    return application


def application_mark_incomplete(
    *, application: Application, actor: User, message: str
) -> Application:
    if not message.strip():
        raise ApplicationError(_("Say what is missing: the holder reads this message."))
    return application_transition(
        application=application,
        to_state=A.INCOMPLETE,
        actor=actor,
        reason=message,
        desk_message=message,
    )


def application_qualify(
    *, application: Application, actor: User, assignee: User | None = None
) -> Application:
    return application_transition(
        application=application,
        to_state=A.QUALIFIED,
        actor=actor,
        assignee=assignee or application.assignee or actor,
    )


@transaction.atomic
def application_assign(*, application: Application, actor: User, assignee: User) -> Application:
    """Give an application to a caseworker, only if its state is still the one the desk saw
    (else ApplicationConflict). Not a state change, so no transition row."""
    if not assignee.is_staff:
        raise ApplicationError(_("Only a caseworker can be assigned."))
    changed = Application.objects.filter(pk=application.pk, state=application.state).update(
        assignee=assignee, updated_at=timezone.now()
    )
    if changed != 1:
        raise ApplicationConflict()
    application.assignee = assignee
    return application


def application_withdraw(*, application: Application, actor: User, reason: str) -> Application:
    if not reason.strip():
        raise ApplicationError(_("Tell the desk why you withdraw the application."))
    return application_transition(
        application=application,
        to_state=A.CLOSED,
        actor=actor,
        reason=reason,
        closed_reason=ClosedReason.WITHDRAWN,
    )


@transaction.atomic
def application_confirm(*, application: Application, actor: User) -> Application:
    """ "Still looking?": renews an open request for 12 months. No state change."""
    updated = Application.objects.filter(
        pk=application.pk,
        state__in=[A.SUBMITTED, A.INCOMPLETE, A.QUALIFIED, A.SEARCHING, A.MATCHED],
    ).update(confirmed_at=timezone.now())
    if updated != 1:
        raise ApplicationError(_("Only an open application can be renewed."))
    application.refresh_from_db(fields=["confirmed_at", "updated_at"])
    return application


def applications_expire(*, now=None) -> int:
    """Close the open requests not confirmed for 12 months. Safe to run twice."""
    now = now or timezone.now()
    expired = 0
    stale = Application.objects.filter(
        state__in=[A.SUBMITTED, A.INCOMPLETE, A.QUALIFIED, A.SEARCHING],
        confirmed_at__lt=now - VALIDITY,
    )
    for application in stale:
        try:
            application_transition(
                application=application,
                to_state=A.CLOSED,
                actor=None,
                reason=gettext_noop("Not confirmed for 12 months."),
                closed_reason=ClosedReason.EXPIRED,
            )
        except ApplicationConflict:
            continue
        expired += 1
    return expired


def applications_remind_renewal(*, now=None) -> int:
    """Ask the holders of requests not confirmed for 11 months whether they are still
    looking. Safe to run twice: each confirmation gets one reminder."""
    now = now or timezone.now()
    due = Application.objects.filter(
        state__in=[A.SUBMITTED, A.INCOMPLETE, A.QUALIFIED, A.SEARCHING],
        confirmed_at__lt=now - REMINDER_AFTER,
        confirmed_at__gte=now - VALIDITY,
    )
    reminded = 0
    for application in due:
        with transaction.atomic():
            reminded += bool(notify_renewal(application))
    return reminded
