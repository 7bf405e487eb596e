"""Staff powers need a second factor.

A staff account (caseworker, analyst) acts for the desk only in a session that has passed the
second factor (TOTP). `DeskSessionMiddleware` records on each request's user whether its session
did, and `has_desk_powers` is the one question that views, selectors and domain guards ask.
Until the second factor is passed, a staff account is an ordinary signed-in user: it reaches its
own organisations' objects, through current memberships, and no one else's.

Outside a request (Celery tasks, management commands, the shell) there is no session, and the
caller is trusted: a staff actor there has desk powers.
"""

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils.http import urlencode

# Set on the request's user by the middleware: did this session pass the second factor?
SESSION_PASSED_MFA = "_loket_session_passed_mfa"


def session_used_mfa(request) -> bool:
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    return any(record.get("method") == "mfa" for record in records)


def mark_request_user(request, user):
    """Record on the request's user whether its session passed the second factor."""
    if user.is_authenticated and user.is_staff:
        setattr(user, SESSION_PASSED_MFA, session_used_mfa(request))
    return user


@receiver(user_logged_in)
def _mark_signed_in_user(sender, request, user, **kwargs):
    """`login()` puts a fresh user object on the request, which the middleware never saw: mark
    it too, so that the rest of the sign-in request does not take it for a trusted caller."""
    # Only the object the request now carries: the test client's force_login() and other
    # callers without a request user keep a trusted object of their own.
    if request is not None and getattr(request, "user", None) is user:
        mark_request_user(request, user)


def has_desk_powers(user) -> bool:
    """May this user act for the desk here: an active staff account and, in a request, a
    session that passed the second factor."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return getattr(user, SESSION_PASSED_MFA, True)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def second_factor_url(user, next_url: str = "", *, totp: bool | None = None) -> str:
    """Where a staff account finishes its second factor: set up TOTP, or enter a code."""
    totp = has_totp(user) if totp is None else totp
    url = reverse("mfa_reauthenticate" if totp else "mfa_activate_totp")
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return url
