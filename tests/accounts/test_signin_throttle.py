"""Sign-in throttling: wrong passwords slow down one account from one address with a growing
wait, never its owner from elsewhere; behind the proxy each visitor is counted apart."""

import html
import re
import time

import pytest
from django.core import mail
from django.test import Client

from loket.accounts.throttle import wait_after

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MISMATCH = "The email address and/or password you specified are not correct."
RESET = '<a href="/en/accounts/password/reset/">reset your password</a>'


def wrong_passwords_message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many wrong passwords for this account from your connection. Please wait "
        f"{minutes} {unit} before you try again, or {RESET}."
    )


@pytest.fixture
def clock(monkeypatch):
    """The wall clock the waits are measured on, moved by hand."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += seconds

    return advance


def sign_in(client: Client, email: str, password: str, language: str = "en") -> str:
    """Post the sign-in form; "signed in", or the form's error as the page shows it."""
    response = client.post(f"/{language}/accounts/login/", {"login": email, "password": password})
    if response.status_code == 302 and "_auth_user_id" in client.session:
        return "signed in"
    found = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    inner = re.sub(r"</?(ul|li)[^>]*>", "", found.group(1)).strip()
    return html.unescape(inner)


def test_wait_grows_from_the_fifth_wrong_password_to_an_hour():
    assert [wait_after(n) for n in range(1, 14)] == [
        0,
        0,
        0,
        0,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
        3600,
    ]


def test_wrong_passwords_from_one_address_do_not_stop_the_owner_elsewhere(clock):
    UserFactory(email="target@example.org")
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    answers = [sign_in(guesser, "target@example.org", f"guess-{n}") for n in range(5)]
    assert answers == [MISMATCH] * 5
    # The guesser's address is now refused, even with the right password...
    assert sign_in(guesser, "target@example.org", PASSWORD) == wrong_passwords_message(1)
    # ...but the owner, from their own address, signs in at once.
    assert sign_in(Client(REMOTE_ADDR="203.0.113.20"), "target@example.org", PASSWORD) == (
        "signed in"
    )


def test_wrong_passwords_from_the_same_address_wait_longer_each_time(clock):
    UserFactory(email="target@example.org")
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(5):
        sign_in(guesser, "target@example.org", f"guess-{n}")
    answers = [sign_in(guesser, "target@example.org", "guess-5")]
    clock(61)
    answers.append(sign_in(guesser, "target@example.org", "guess-6"))
    answers.append(sign_in(guesser, "target@example.org", "guess-7"))
    clock(121)
    answers.append(sign_in(guesser, "target@example.org", "guess-8"))
    answers.append(sign_in(guesser, "target@example.org", PASSWORD))
    clock(200)
    answers.append(sign_in(guesser, "target@example.org", PASSWORD))
    clock(41)
    answers.append(sign_in(guesser, "target@example.org", PASSWORD))
    assert answers == [
        wrong_passwords_message(1),
        MISMATCH,  # the sixth wrong password, after the first minute
        wrong_passwords_message(2),
        MISMATCH,  # the seventh, after two more minutes
        wrong_passwords_message(4),
        wrong_passwords_message(1),  # 40 seconds of the 4 minutes are left
        "signed in",
    ]


def test_a_successful_sign_in_forgets_the_address_failures(clock):
    UserFactory(email="owner@example.org")
    owner = Client(REMOTE_ADDR="203.0.113.20")
    for n in range(4):
        sign_in(owner, "owner@example.org", f"typo-{n}")
    assert sign_in(owner, "owner@example.org", PASSWORD) == "signed in"
    owner.logout()
    assert sign_in(owner, "owner@example.org", "typo-5") == MISMATCH
    assert sign_in(owner, "owner@example.org", PASSWORD) == "signed in"


def test_behind_the_trusted_proxy_each_visitor_is_counted_apart(settings, clock):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    UserFactory(email="target@example.org")
    guesser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for n in range(5):
        sign_in(guesser, "target@example.org", f"guess-{n}")
    assert sign_in(guesser, "target@example.org", PASSWORD) == wrong_passwords_message(1)
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert sign_in(owner, "target@example.org", PASSWORD) == "signed in"


def test_an_untrusted_peer_cannot_choose_its_address(settings, clock):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    UserFactory(email="target@example.org")
    for n in range(5):
        # A new made-up address on every try: all are counted under the peer's own.
        spoofer = Client(REMOTE_ADDR="192.0.2.99", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        sign_in(spoofer, "target@example.org", f"guess-{n}")
    spoofer = Client(REMOTE_ADDR="192.0.2.99", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert sign_in(spoofer, "target@example.org", PASSWORD) == wrong_passwords_message(1)
    # The address it claimed is not blamed: a visitor really there signs in.
    claimed = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.0")
    assert sign_in(claimed, "target@example.org", PASSWORD) == "signed in"


def test_one_address_trying_many_accounts_is_capped_but_not_the_site(clock):
    UserFactory(email="last@example.org")
    sprayer = Client(REMOTE_ADDR="198.51.100.66")
    answers = []
    for n in range(30):
        clock(5)  # below allauth's 30 sign-in posts a minute
        answers.append(sign_in(sprayer, f"victim{n}@example.org", "Summer2026!"))
    clock(5)
    answers.append(sign_in(sprayer, "last@example.org", PASSWORD))
    assert answers == [MISMATCH] * 30 + [
        "Too many failed sign-ins from your connection. Please wait a few minutes before you "
        f"try again, or {RESET}."
    ]
    assert sign_in(Client(REMOTE_ADDR="203.0.113.20"), "last@example.org", PASSWORD) == (
        "signed in"
    )


def test_the_refusal_is_translated(clock):
    UserFactory(email="target@example.org")
    guesser = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(5):
        sign_in(guesser, "target@example.org", f"guess-{n}", language="nl")
    assert sign_in(guesser, "target@example.org", PASSWORD, language="nl") == (
        "Te veel verkeerde wachtwoorden voor dit account vanaf je verbinding. Wacht 1 minuut "
        'voor je het opnieuw probeert, of <a href="/nl/accounts/password/reset/">stel een nieuw '
        "wachtwoord in</a>."
    )
    assert sign_in(guesser, "target@example.org", PASSWORD, language="fr") == (
        "Trop de mots de passe erronés pour ce compte depuis votre connexion. Attendez "
        '1\u00a0minute avant de réessayer, ou <a href="/fr/accounts/password/reset/">'
        "réinitialisez votre mot de passe</a>."
    )


def test_a_password_reset_lifts_the_wait(clock, django_capture_on_commit_callbacks):
    UserFactory(email="target@example.org")
    owner = Client(REMOTE_ADDR="203.0.113.20")
    for n in range(5):
        sign_in(owner, "target@example.org", f"forgotten-{n}")
    assert sign_in(owner, "target@example.org", PASSWORD) == wrong_passwords_message(1)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/en/accounts/password/reset/", {"email": "target@example.org"})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_url = owner.get(link)["Location"]
    new_password = "a-fresh-Pass-phrase-77"
    owner.post(form_url, {"password1": new_password, "password2": new_password})
    assert sign_in(owner, "target@example.org", new_password) == "signed in"
