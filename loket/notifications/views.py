from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from loket.accounts.models import User

from . import kinds
from .enums import Frequency
from .forms import PreferencesForm
from .preferences import preferences_of, read_unsubscribe_token, set_frequency
from .unsubscribe import unsubscribe_link_send


@login_required
def preferences_view(request):
    """Which messages the reader gets, and how often; service messages are listed as always
    sent."""
    current = preferences_of(request.user)
    form = PreferencesForm(request.POST or None, user=request.user, current=current)
    if request.method == "POST" and form.is_valid():
        for code, frequency in form.cleaned_data.items():
            set_frequency(request.user, code, frequency)
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    service = [kind for kind in kinds.for_role(request.user.role) if kind.service]
    return render(
        request, "notifications/preferences.html", {"form": form, "service_kinds": service}
    )


@csrf_exempt  # mail clients post here in one click (RFC 8058); the signed token is the proof
def unsubscribe_view(request, token: str):
    """Turn one kind of message off from the link in an e-mail, without signing in. A GET only
    asks (mail scanners follow links); the POST turns it off. A link past its life turns
    nothing off: its page explains and offers a fresh link instead."""
    found, user = _token_reader(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = kinds.get(found.code)
    if found.expired and not kind.service:
        return _render_expired(request, token, kind, user)
    done = False
    if request.method == "POST" and not kind.service:
        done = set_frequency(user, kind.code, Frequency.OFF)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": kind, "done": done, "masked_email": _mask(user.email)},
    )


@require_POST
def unsubscribe_renew_view(request, token: str):
    """Send a fresh link to the address the old one was sent to: only there, and at most once
    a day per kind, so the page can neither reveal an address nor flood an inbox."""
    found, user = _token_reader(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = kinds.get(found.code)
    if kind.service or not found.expired:
        # A link still valid needs no new one: its own page turns the messages off.
        return redirect("notifications:unsubscribe", token=token)
    sent = unsubscribe_link_send(user=user, code=kind.code)
    return _render_expired(request, token, kind, user, sent=sent)


def _token_reader(token: str):
    """The token and its reader, if the token is genuine and the account still active."""
    found = read_unsubscribe_token(token)
    user = User.objects.filter(pk=found.user_pk, is_active=True).first() if found else None
    return found, user


def _render_expired(request, token, kind, user, *, sent: bool | None = None):
    # 410: the link was real but is gone for good; the page says what to do instead.
    return render(
        request,
        "notifications/unsubscribe_expired.html",
        {
            "kind": kind,
            "token": token,
            "sent": sent,
            "masked_email": _mask(user.email),
            "days": settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE // (24 * 60 * 60),
        },
        status=410,
    )


def _mask(email: str) -> str:
    """Enough of the address to recognise it, not enough to learn it from a forwarded link."""
    local, _sep, domain = email.partition("@")
    return f"{local[:2]}…@{domain}"
