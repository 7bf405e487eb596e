import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from loket.pages.models import AccessibilityFeedback
from loket.pages.tasks import feedback_forward

pytestmark = pytest.mark.django_db

PAGES = ["", "how-it-works/", "contact/", "privacy/", "accessibility/"]


def h1_of(html: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    assert len(found) == 1, found
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[0])).strip()


def main_text(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


@pytest.mark.parametrize("page", PAGES)
def test_public_page_is_translated(client, page):
    texts = {}
    for language in ("en", "nl", "fr"):
        response = client.get(f"/{language}/{page}")
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert h1_of(html)
        texts[language] = main_text(html)
    assert len(set(texts.values())) == 3


def test_home_has_a_path_for_holders_and_one_for_owners(client):
    html = client.get("/en/").content.decode()
    assert html.count('href="/en/accounts/signup/"') >= 2


FEEDBACK = {
    "page_url": "/fr/contact/",
    "message": "Le lien vers le formulaire n'est pas annoncé par mon lecteur d'écran.",
    "name": "",
    "email": "",
}


def test_accessibility_feedback_is_stored_and_forwarded_to_the_desk(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/accessibility/", FEEDBACK)
    assert response["Location"] == "/fr/accessibility/"
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.message, feedback.language) == (FEEDBACK["message"], "fr")
    assert feedback.forwarded_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [settings.DESK_EMAIL]
    assert FEEDBACK["message"] in mail.outbox[0].body
    assert "/fr/contact/" in mail.outbox[0].body
    assert mail.outbox[0].reply_to == []


def test_the_forwarded_report_reads_in_french_typography(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accessibility/", FEEDBACK)
    lines = mail.outbox[0].body.splitlines()
    assert [line for line in lines if " : " in line][:3] == [
        "Page concernée : /fr/contact/",
        lines[4],
        "Langue du signalement : Français",
    ]
    assert lines[4].startswith("Reçu le : ")


def test_feedback_with_an_address_can_be_answered_directly(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/nl/accessibility/", {**FEEDBACK, "email": "reporter@example.org"})
    assert mail.outbox[0].reply_to == ["reporter@example.org"]


def test_feedback_is_not_forwarded_before_commit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/nl/accessibility/", FEEDBACK)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_forwarding_twice_sends_one_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/nl/accessibility/", FEEDBACK)
    feedback_forward(AccessibilityFeedback.objects.get().pk)
    assert len(mail.outbox) == 1


def test_forwarding_a_deleted_report_does_nothing():
    feedback_forward(12345)
    assert mail.outbox == []


def test_empty_feedback_gets_an_error_next_to_the_field(client):
    response = client.post("/en/accessibility/", {**FEEDBACK, "message": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_message_error"><li>This field is required.</li></ul>' in html
    )
    assert AccessibilityFeedback.objects.count() == 0
    assert mail.outbox == []


def test_feedback_longer_than_5000_characters_is_refused(client):
    response = client.post("/en/accessibility/", {**FEEDBACK, "message": "x" * 5001})
    assert response.context["form"].errors == {
        "message": ["Ensure this value has at most 5000 characters (it has 5001)."]
    }
    assert AccessibilityFeedback.objects.count() == 0
    assert mail.outbox == []


def test_feedback_with_a_bad_email_is_refused(client):
    response = client.post("/en/accessibility/", {**FEEDBACK, "email": "not-an-address"})
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert AccessibilityFeedback.objects.count() == 0


def test_feedback_is_refused_after_five_reports_in_an_hour(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post("/en/accessibility/", FEEDBACK).status_code for _ in range(6)]
    assert answers == [302] * 5 + [429]
    assert AccessibilityFeedback.objects.count() == 5
    assert len(mail.outbox) == 5
    refused = client.post("/en/accessibility/", FEEDBACK).content.decode()
    summary = refused.split('<div class="error-summary"', 1)[1].split(">", 1)[1]
    summary = summary.split("</div>", 1)[0]
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary)).strip() == (
        "Your report could not be sent Please correct the following: You have already sent "
        "several reports in the last hour. Please try again later, or write to the desk "
        "directly at the address above."
    )
    # The text is kept, so nothing typed is lost.
    assert FEEDBACK["message"].replace("'", "&#x27;") in refused


def test_feedback_limit_counts_each_address_apart(client, django_capture_on_commit_callbacks):
    for _ in range(5):
        client.post("/en/accessibility/", FEEDBACK, REMOTE_ADDR="198.51.100.66")
    with django_capture_on_commit_callbacks(execute=True):
        other = Client(REMOTE_ADDR="203.0.113.20").post("/en/accessibility/", FEEDBACK)
    assert other["Location"] == "/en/accessibility/"
    assert AccessibilityFeedback.objects.count() == 6
