import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import authenticate
from django.core.management import call_command

from loket.accounts.models import User
from loket.organisations.models import Membership, Organisation
from loket.pages.management.commands.seed_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_one_user_per_role():
    seed()
    assert dict(User.objects.values_list("email", "role")) == {
        "holder@demo.loket.brussels": "holder",
        "owner@demo.loket.brussels": "owner",
        "caseworker@demo.loket.brussels": "caseworker",
        "analyst@demo.loket.brussels": "analyst",
        "commune@demo.loket.brussels": "commune",
    }
    caseworker = User.objects.get(role="caseworker")
    assert caseworker.is_staff is True
    assert list(User.objects.get(role="commune").communes.values_list("pk", flat=True)) == [
        "21007",
        "21015",
    ]


def test_seed_demo_is_idempotent():
    seed()
    seed()
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == (
        5,
        18,
        2,
    )
    assert Authenticator.objects.filter(type="totp").count() == 1


def test_seed_demo_prints_logins_and_totp_secret():
    out = seed()
    assert f"Password for every demo account: {DEMO_PASSWORD}" in out
    assert DEMO_TOTP_SECRET in out
    assert "caseworker@demo.loket.brussels" in out


def test_demo_accounts_sign_in_with_the_printed_password():
    seed()
    user = authenticate(email="holder@demo.loket.brussels", password=DEMO_PASSWORD)
    assert user == User.objects.get(email="holder@demo.loket.brussels")
    assert user.active_organisation.name == "Collectif Canal Créatif"


def test_demo_caseworker_totp_uses_the_printed_secret():
    seed()
    authenticator = Authenticator.objects.get(user__role="caseworker", type="totp")
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
    assert TOTP(authenticator).validate_code(code) is True


def test_seed_demo_tells_nobody_of_its_made_up_history(django_capture_on_commit_callbacks):
    from django.core import mail

    from loket.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        seed()

    statuses = set(Notification.objects.values_list("status", flat=True))
    assert statuses == {"cancelled"}
    assert Notification.objects.count() > 100
    assert mail.outbox == []
