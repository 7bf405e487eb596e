"""Two signups for the same new address at the same moment, on PostgreSQL: one account, and the
second visitor gets the answer for a taken address, never a server error."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client

from loket.accounts.models import User

from ..races import needs_postgres, race_at_insert

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = {
    "email": "nadia@example.org",
    "password1": "a-Long-pass-phrase-42",
    "password2": "a-Long-pass-phrase-42",
    "last_name": "Benali",
    "role": "holder",
    "preferred_language": "fr",
}


def test_two_signups_for_one_new_address_make_one_account():
    needs_postgres()
    clients = [Client(), Client()]

    def sign_up(client, first_name):
        return lambda: client.post("/fr/accounts/signup/", {**SIGNUP, "first_name": first_name})

    # Both pass allauth's "is the address taken?" check before either account exists.
    outcomes = race_at_insert(User, sign_up(clients[0], "Nadia"), sign_up(clients[1], "Nadia B."))

    assert [(o.status_code, o["Location"]) for o in outcomes] == [
        (302, "/fr/accounts/confirm-email/"),
        (302, "/fr/accounts/confirm-email/"),
    ]
    user = User.objects.get()
    assert (user.email, user.preferred_language) == ("nadia@example.org", "fr")
    assert list(EmailAddress.objects.values_list("user", "email", "verified")) == [
        (user.pk, "nadia@example.org", False)
    ]
    # Each visitor reads that a message is on its way; the account's confirmation goes out,
    # and the owner of the address hears that a second signup tried it.
    for client in clients:
        request = client.get("/fr/accounts/confirm-email/").wsgi_request
        assert [str(m) for m in get_messages(request)] == [
            "E-mail de confirmation envoyé à nadia@example.org."
        ]
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["nadia@example.org"], "[Loket] Ce compte existe déjà"),
        (["nadia@example.org"], "[Loket] Confirmez votre adresse e-mail"),
    ]
