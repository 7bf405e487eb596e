"""The messages an application's changes send, through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.notifications import kinds
from loket.notifications.services import notify

from .enums import ApplicationState
from .models import ApplicationTransition

A = ApplicationState


def _holders(application) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=application.organisation_id, is_active=True
        )
        .order_by("pk")
        .distinct()
    )


def _desk(application) -> list[User]:
    """The assigned caseworker, or every caseworker while nobody is assigned."""
    if application.assignee_id:
        return [application.assignee]
    return list(User.objects.filter(role=Role.CASEWORKER, is_active=True).order_by("pk"))


def notify_transition(transition: ApplicationTransition) -> int:
    """Write the outbox rows for one change of an application, inside its transaction."""
    application = transition.application
    sent = []
    if transition.to_state == A.SUBMITTED:
        sent += [(u, "application_received") for u in _holders(application)]
        sent += [(u, "application_new") for u in _desk(application)]
    elif transition.to_state == A.INCOMPLETE:
        sent += [(u, "application_incomplete") for u in _holders(application)]
    for user, kind in sent:
        notify(
            recipient=user,
            kind=kind,
            context={"transition": transition.pk},
            key=f"application-transition:{transition.pk}:{user.pk}",
        )
    return len(sent)


def _load(context: dict) -> dict | None:
    transition = (
        ApplicationTransition.objects.select_related("application__organisation")
        .filter(pk=context["transition"])
        .first()
    )
    if transition is None:
        return None
    application = transition.application
    return {
        "transition": transition,
        "application": application,
        "resubmitted": transition.from_state == A.INCOMPLETE,
        "holder_link": settings.PORTAL_URL
        + reverse("projects:holder_application", args=[application.pk]),
        "desk_link": settings.PORTAL_URL
        + reverse("admin:projects_application_change", args=[application.pk]),
    }


def register_kinds() -> None:
    for code, label, service in (
        ("application_received", _("Your application is received"), True),
        ("application_new", _("A new application for the desk"), False),
        ("application_incomplete", _("Your application is incomplete"), True),
    ):
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                template=f"projects/email/{code}",
                load=_load,
                service=service,
            )
        )
