from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from loket.accounts.models import User

from . import kinds
from .enums import Frequency
from .forms import PreferencesForm
from .preferences import preferences_of, read_unsubscribe_token, set_frequency


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
    asks (mail scanners follow links); the POST turns it off."""
    found = read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = kinds.get(found[1])
    done = False
    if request.method == "POST" and not kind.service:
        done = set_frequency(user, kind.code, Frequency.OFF)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": kind, "done": done, "masked_email": _mask(user.email)},
    )


def _mask(email: str) -> str:
    """Enough of the address to recognise it, not enough to learn it from a forwarded link."""
    local, _sep, domain = email.partition("@")
    return f"{local[:2]}…@{domain}"
