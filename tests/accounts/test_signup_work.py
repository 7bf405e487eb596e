"""A signup with a taken address does the same work as one with a new address: one password
hash and one outbox row. The answers were already the same; now the time they take is too."""

import pytest

from loket.notifications.models import Notification

from ..factories import UserFactory
from ..hashers import CountingPasswordHasher

pytestmark = pytest.mark.django_db

SIGNUP = {
    "password1": "a-Long-pass-phrase-42",
    "password2": "a-Long-pass-phrase-42",
    "first_name": "Nadia",
    "last_name": "Benali",
    "role": "holder",
    "preferred_language": "fr",
}


@pytest.fixture
def hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.CountingPasswordHasher"]
    return CountingPasswordHasher


def sign_up(client, hasher, email: str) -> tuple[str, int, list[str]]:
    """The answer's redirect, the passwords hashed and the outbox rows written for `email`."""
    hasher.encodings = 0
    response = client.post("/fr/accounts/signup/", {**SIGNUP, "email": email})
    rows = list(Notification.objects.filter(email=email).values_list("kind", flat=True))
    return response["Location"], hasher.encodings, rows


def test_signup_does_the_same_work_for_a_taken_and_a_new_address(client, hasher):
    UserFactory(email="taken@example.org")
    taken = sign_up(client, hasher, "taken@example.org")
    new = sign_up(client, hasher, "new@example.org")
    assert taken == new == ("/fr/accounts/confirm-email/", 1, ["account"])
