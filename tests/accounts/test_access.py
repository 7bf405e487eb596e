"""`has_desk_powers`: staff powers only in a session that passed the second factor, the user
object `login()` puts on a request included."""

import pytest
from django.contrib.auth import login
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from loket.accounts.access import has_desk_powers

from ..factories import caseworker

pytestmark = pytest.mark.django_db


def request_with_session():
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


def test_a_staff_account_signed_in_with_a_password_alone_has_no_desk_powers_in_that_request():
    user = caseworker()
    request = request_with_session()

    login(request, user, backend="django.contrib.auth.backends.ModelBackend")

    assert request.user is user
    assert has_desk_powers(request.user) is False


def test_outside_a_request_a_staff_actor_is_trusted():
    assert has_desk_powers(caseworker()) is True


def test_a_deactivated_staff_account_has_no_desk_powers_anywhere():
    assert has_desk_powers(caseworker(is_active=False)) is False
