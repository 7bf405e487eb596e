"""The messages an application's changes send, through the outbox."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.notifications import kinds
from loket.notifications.services import notify, notify_all
from loket.organisations.selectors import members_of

from .enums import ApplicationState, ClosedReason
from .models import Application, ApplicationTransition, SavedSearchMatch

A = ApplicationState


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
        sent += [(u, "application_received") for u in members_of(application.organisation_id)]
        sent += [(u, "application_new") for u in _desk(application)]
    elif transition.to_state == A.INCOMPLETE:
        sent += [(u, "application_incomplete") for u in members_of(application.organisation_id)]
    elif transition.to_state == A.CLOSED and application.closed_reason == ClosedReason.EXPIRED:
        sent += [(u, "application_expired") for u in members_of(application.organisation_id)]
    return notify_all(
        sent,
        context={"transition": transition.pk},
        key=f"application-transition:{transition.pk}",
    )


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


def notify_renewal(application: Application) -> int:
    """The reminder at 11 months: still looking? One per confirmation (the key holds its
    date), so running the daily task twice sends nothing twice."""
    holders = members_of(application.organisation_id)
    for user in holders:
        notify(
            recipient=user,
            kind="application_renewal",
            context={"application": application.pk},
            key=f"application-renewal:{application.pk}:{application.confirmed_at:%Y-%m-%d}:"
            f"{user.pk}",
        )
    return len(holders)


def notify_saved_search_match(match: SavedSearchMatch) -> None:
    """A newly published site fits a holder's saved search."""
    notify(
        recipient=match.saved_search.user,
        kind="saved_search_match",
        context={"match": match.pk},
        key=f"saved-search-match:{match.pk}",
    )


def _load_application(context: dict) -> dict | None:
    application = Application.objects.filter(pk=context["application"]).first()
    if application is None:
        return None
    return {
        "application": application,
        "holder_link": settings.PORTAL_URL
        + reverse("projects:holder_application", args=[application.pk]),
    }


def _load_saved_search_match(context: dict) -> dict | None:
    match = (
        SavedSearchMatch.objects.select_related("saved_search", "site")
        .filter(pk=context["match"])
        .first()
    )
    if match is None:
        return None
    return {
        "search": match.saved_search,
        "site": match.site,
        "site_link": settings.PORTAL_URL
        + reverse("properties:detail", args=[match.site.reference]),
        "searches_link": settings.PORTAL_URL + reverse("searches:list"),
    }


def register_kinds() -> None:
    holder, desk = ("holder",), ("caseworker",)
    for code, label, service, load, roles in (
        ("application_received", _("Your application is received"), True, _load, holder),
        ("application_new", _("A new application for the desk"), False, _load, desk),
        ("application_incomplete", _("Your application is incomplete"), True, _load, holder),
        ("application_renewal", _("Still looking? Confirm your application"), True,
         _load_application, holder),
        ("application_expired", _("Your application has expired"), True, _load, holder),
        ("saved_search_match", _("A new site fits one of your searches"), False,
         _load_saved_search_match, holder),
    ):  # fmt: skip
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                template=f"projects/email/{code}",
                load=load,
                service=service,
                roles=roles,
            )
        )
