import re

import pytest
from django.conf import settings
from django.test import Client

from loket.pages.models import AccessibilityFeedback

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "target"),
    [("fr-BE,fr;q=0.9,en;q=0.5", "/fr/"), ("nl-BE", "/nl/"), ("de-DE,en;q=0.8", "/en/")],
)
def test_root_redirects_by_accept_language(client, header, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302
    assert response["Location"] == target


def test_root_prefers_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Location"] == "/fr/"


def test_choosing_a_language_remembers_it_for_the_root(client):
    response = client.get("/i18n/choose/?next=/fr/contact/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Location"] == "/fr/contact/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="nl")["Location"] == "/fr/"


def test_reading_a_page_does_not_change_the_remembered_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get("/fr/contact/")
    assert response.cookies == {}
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/nl/"


def test_choosing_a_page_elsewhere_goes_to_the_root_and_remembers_nothing(client):
    response = client.get("/i18n/choose/?next=https://example.com/fr/")
    assert response["Location"] == "/"
    assert response.cookies == {}


def test_root_without_a_known_language_shows_the_picker(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,ja;q=0.5")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<a class="button" href="([^"]+)"', html) == [
        "/i18n/choose/?next=/nl/",
        "/i18n/choose/?next=/fr/",
        "/i18n/choose/?next=/en/",
    ]
    assert 'lang="fr"' in html and 'lang="nl"' in html


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_every_page_has_html_lang_and_hreflang_alternates(client, language):
    response = client.get(f"/{language}/how-it-works/")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    alternates = re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"', html)
    assert alternates == [
        ("nl", "http://testserver/nl/how-it-works/"),
        ("fr", "http://testserver/fr/how-it-works/"),
        ("en", "http://testserver/en/how-it-works/"),
        ("x-default", "http://testserver/"),
    ]


def test_language_switcher_leads_to_the_same_page(client):
    html = client.get("/nl/contact/").content.decode()
    switcher = html.split('class="language-switcher"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', switcher)
    assert links == [
        ("/i18n/choose/?next=%2Fnl%2Fcontact%2F", "nl"),
        ("/i18n/choose/?next=%2Ffr%2Fcontact%2F", "fr"),
        ("/i18n/choose/?next=%2Fen%2Fcontact%2F", "en"),
    ]
    assert client.get(links[1][0])["Location"] == "/fr/contact/"
    assert 'aria-current="true">Nederlands<' in switcher


def test_switcher_keeps_the_query_string(client):
    html = client.get("/fr/contact/?page=2").content.decode()
    assert 'href="/i18n/choose/?next=%2Fnl%2Fcontact%2F%3Fpage%3D2" hreflang="nl"' in html


@pytest.mark.parametrize(
    ("accept", "lang", "text"),
    [("fr", "fr", "Page introuvable"), ("nl", "nl", "Pagina niet gevonden")],
)
def test_unknown_language_prefix_gets_a_404_in_the_active_language(client, accept, lang, text):
    response = client.get("/de/how-it-works/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert text in html


def test_post_without_csrf_token_is_refused_and_saves_nothing():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/accessibility/", {"message": "The map has no keyboard access."})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 0
