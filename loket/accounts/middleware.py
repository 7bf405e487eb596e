from django.contrib import messages
from django.contrib.auth.middleware import get_user
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from loket.organisations.selectors import acting_organisation_id

from .access import has_desk_powers, has_totp, mark_request_user, second_factor_url


class DeskSessionMiddleware:
    """Before any view runs, settle what the signed-in user may do in this request:

    - staff powers only if the session passed the second factor (`loket.accounts.access`);
    - the organisation they act for only while their membership is current: a removed or
      deactivated member's choice is cleared here, on their next request.

    The user is still loaded lazily, so a page that never looks at it costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = SimpleLazyObject(lambda: self._settle(request))
        return self.get_response(request)

    @staticmethod
    def _settle(request):
        user = mark_request_user(request, get_user(request))
        stale = user.is_authenticated and user.active_organisation_id is not None
        if stale and acting_organisation_id(user) is None:
            user.active_organisation = None
            user.save(update_fields=["active_organisation"])
        return user


class StaffMFAMiddleware:
    """The admin is for staff who signed in with a second factor (TOTP).

    Staff without an authenticator are sent to set one up; staff whose session was opened with
    a password alone are asked for a code before the admin opens.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith("/admin/") or not (user and user.is_authenticated):
            return self.get_response(request)
        if user.is_staff and not has_desk_powers(user):
            if not has_totp(user):
                messages.warning(
                    request,
                    _("Staff must set up an authenticator app before they open the admin."),
                )
            return redirect(second_factor_url(user, request.get_full_path()))
        return self.get_response(request)
