"""allauth's e-mail fields take no more than the 254 characters an address column holds: a
longer address is an error next to the field, not a PostgreSQL error (issue 11, item 4)."""

import pytest
from allauth.account.models import EmailAddress

from loket.accounts.models import User
from loket.notifications.models import Notification

pytestmark = pytest.mark.django_db

# A well-formed address of 255 characters.
LONG = f"{'a' * 60}.{'b' * 60}.{'c' * 64}@{'d' * 60}.example"
ERROR = "Ensure this value has at most 254 characters (it has 255)."


def test_signup_refuses_an_address_longer_than_254_characters(client):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": LONG,
            "password1": "a-Long-enough-secret-42",
            "password2": "a-Long-enough-secret-42",
            "first_name": "Lena",
            "last_name": "Peeters",
            "role": "holder",
            "preferred_language": "nl",
        },
    )

    assert len(LONG) == 255
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [ERROR]
    assert (User.objects.count(), EmailAddress.objects.count()) == (0, 0)


def test_password_reset_refuses_an_address_longer_than_254_characters(client):
    response = client.post("/en/accounts/password/reset/", {"email": LONG})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [ERROR]}
    assert Notification.objects.count() == 0


def test_an_address_of_254_characters_is_taken(client):
    response = client.post("/en/accounts/password/reset/", {"email": LONG[1:]})

    assert response.status_code == 302
    assert list(Notification.objects.values_list("email", flat=True)) == [LONG[1:]]
