from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def session_used_mfa(request) -> bool:
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    return any(record.get("method") == "mfa" for record in records)


class StaffMFAMiddleware:
    """The admin is for staff who signed in with a second factor (TOTP).

    Staff without an authenticator are sent to set one up; staff whose session was opened with
    a password alone are asked for a code before the admin opens.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/admin/") and user and user.is_authenticated and user.is_staff:
            next_query = urlencode({"next": request.get_full_path()})
            has_totp = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
            if not has_totp:
                messages.warning(
                    request,
                    _("Staff must set up an authenticator app before they open the admin."),
                )
                return redirect(f"{reverse('mfa_activate_totp')}?{next_query}")
            if not session_used_mfa(request):
                return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return self.get_response(request)
