import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail

from loket.accounts.enums import Role
from loket.accounts.models import User
from loket.accounts.services import user_set_role

from .conftest import login_client
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "nadia@example.org",
    "password1": "a-Long-pass-phrase-42",
    "password2": "a-Long-pass-phrase-42",
    "first_name": "Nadia",
    "last_name": "Benali",
    "role": "owner",
    "preferred_language": "fr",
}


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_signup_creates_an_unverified_user_with_role_and_language(client):
    response = client.post("/nl/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == "/nl/accounts/confirm-email/"
    user = User.objects.get(email="nadia@example.org")
    assert (user.first_name, user.last_name, user.role, user.preferred_language) == (
        "Nadia",
        "Benali",
        Role.OWNER,
        "fr",
    )
    assert user.is_staff is False
    assert list(EmailAddress.objects.values_list("email", "verified")) == [
        ("nadia@example.org", False)
    ]


def test_signup_verification_mail_is_in_the_chosen_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post("/nl/accounts/signup/", SIGNUP)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    assert message.subject == "[Loket] Confirmez votre adresse e-mail"
    assert link_in(message).startswith("http://testserver/fr/accounts/confirm-email/")


def test_signup_cannot_pick_a_staff_role(client):
    response = client.post("/nl/accounts/signup/", {**SIGNUP, "role": "caseworker"})
    assert response.status_code == 200
    assert User.objects.count() == 0
    assert 'id="id_role_error"' in response.content.decode()


def test_signup_with_a_taken_address_answers_the_same_and_saves_nothing(
    client, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="nadia@example.org", preferred_language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/accounts/signup/", {**SIGNUP, "first_name": "Intruder"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    assert list(User.objects.values_list("pk", "first_name")) == [
        (existing.pk, existing.first_name)
    ]
    assert EmailAddress.objects.count() == 1
    # The owner of the address hears about it, in their own language.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia@example.org"]
    assert mail.outbox[0].subject == "[Loket] Account bestaat al"


def test_confirming_the_address_signs_the_user_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/signup/", SIGNUP)
    confirm_path = link_in(mail.outbox[0]).removeprefix("http://testserver")
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/profile/"
    assert EmailAddress.objects.get(email="nadia@example.org").verified is True
    page = client.get("/fr/accounts/profile/").content.decode()
    assert "nadia@example.org" in page


def test_login_before_verification_is_held_at_the_confirmation_step(client):
    UserFactory(email="late@example.org", verified=False)
    response = client.post(
        "/nl/accounts/login/", {"login": "late@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/nl/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_login_with_verified_address_reaches_the_account_page(client):
    UserFactory(email="ok@example.org")
    response = client.post("/nl/accounts/login/", {"login": "ok@example.org", "password": PASSWORD})
    assert response["Location"] == "/nl/accounts/profile/"
    assert client.session["_auth_user_id"] == str(User.objects.get(email="ok@example.org").pk)


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.org")
    for _attempt in range(5):
        client.post("/en/accounts/login/", {"login": "target@example.org", "password": "wrong"})
    response = client.post(
        "/en/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many wrong passwords for this account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_unknown_addresses(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/nl/accounts/password/reset/", {"email": "known@example.org"})
        unknown = client.post("/nl/accounts/password/reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    reset_mails = [m for m in mail.outbox if m.to == ["known@example.org"]]
    assert len(reset_mails) == 1
    assert reset_mails[0].subject == "[Loket] E-mail de réinitialisation de mot de passe"
    assert link_in(reset_mails[0]).startswith("http://testserver/fr/accounts/password/reset/key/")


def test_profile_edit_sets_the_language_for_emails(holder_client, holder):
    response = holder_client.post(
        "/nl/accounts/profile/edit/",
        {"first_name": "Jan", "last_name": "Peeters", "preferred_language": "fr"},
    )
    assert response["Location"] == "/fr/accounts/profile/"
    holder.refresh_from_db()
    assert (holder.first_name, holder.preferred_language) == ("Jan", "fr")


def test_account_page_shows_role_and_organisations(holder_client, holder):
    html = holder_client.get("/en/accounts/profile/").content.decode()
    assert "Project holder" in html
    assert "Collectief Zinne" in html


def test_account_pages_need_a_login(anonymous_client):
    for path in ("/nl/accounts/profile/", "/nl/accounts/profile/edit/"):
        response = anonymous_client.get(path)
        assert response["Location"] == f"/nl/accounts/login/?next={path}"


def test_user_set_role_keeps_staff_flag_and_group_in_step():
    user = UserFactory()
    user_set_role(user=user, role=Role.CASEWORKER)
    assert (user.is_staff, list(user.groups.values_list("name", flat=True))) == (
        True,
        ["Caseworkers"],
    )
    user_set_role(user=user, role=Role.HOLDER)
    user.refresh_from_db()
    assert (user.is_staff, user.groups.count()) == (False, 0)


def test_caseworkers_group_holds_desk_permissions():
    codenames = set(
        Group.objects.get(name="Caseworkers").permissions.values_list("codename", flat=True)
    )
    assert {"change_organisation", "change_commune", "view_user"} <= codenames
    assert "delete_user" not in codenames


class TestAdminNeedsTwoFactor:
    def test_anonymous_is_sent_to_allauth_login(self, anonymous_client):
        response = anonymous_client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == "/nl/accounts/login/?next=%2Fadmin%2F"

    def test_holder_is_refused(self, holder_client):
        response = holder_client.get("/admin/", follow=True)
        assert response.status_code == 403

    def test_staff_without_totp_must_set_it_up(self):
        staff = UserFactory()
        user_set_role(user=staff, role=Role.CASEWORKER)
        response = login_client(staff).get("/admin/")
        assert response["Location"] == "/nl/accounts/2fa/totp/activate/?next=%2Fadmin%2F"

    def test_staff_with_password_only_session_must_give_a_code(self, caseworker_user):
        response = login_client(caseworker_user).get("/admin/organisations/organisation/")
        assert response["Location"] == (
            "/nl/accounts/2fa/reauthenticate/?next=%2Fadmin%2Forganisations%2Forganisation%2F"
        )

    def test_caseworker_signed_in_with_totp_opens_the_admin(self, caseworker_client):
        response = caseworker_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<a href="/admin/organisations/organisation/">Organisations</a>' in html
        assert Authenticator.objects.filter(type="totp").count() == 1


def test_analyst_sees_their_account_but_not_the_admin(analyst_client):
    assert "Analyst" in analyst_client.get("/en/accounts/profile/").content.decode()
    assert analyst_client.get("/admin/", follow=True).status_code == 403


def test_commune_contact_sees_the_communes_they_follow(commune_contact):
    commune_contact.communes.set(["21015", "21007"])
    html = login_client(commune_contact).get("/fr/accounts/profile/").content.decode()
    assert "Forest, Schaerbeek" in html


@pytest.mark.parametrize("persona", ["holder", "owner", "caseworker_user", "analyst"])
def test_account_page_shows_only_the_signed_in_person(request, persona, other_holder):
    user = request.getfixturevalue(persona)
    html = login_client(user).get("/en/accounts/profile/").content.decode()
    assert user.email in html
    assert other_holder.email not in html
    assert "Atelier Senne" not in html


def test_holder_menu_leads_to_applications_and_searches(holder_client, owner_client):
    holder_nav = holder_client.get("/en/").content.decode().split('class="account-nav"')[1]
    owner_nav = owner_client.get("/en/").content.decode().split('class="account-nav"')[1]
    assert 'href="/en/my/applications/"' in holder_nav
    assert 'href="/en/my/searches/"' in holder_nav
    assert 'href="/en/my/sites/"' not in holder_nav
    assert 'href="/en/my/sites/"' in owner_nav
    assert 'href="/en/my/applications/"' not in owner_nav
