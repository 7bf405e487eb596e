"""Public pages can be served from a shared cache: an anonymous visitor gets no cookie and no
session, and the language cookie is set only when the reader chooses a language."""

import pytest
from django.conf import settings
from django.test import Client

from .factories import SiteFactory

pytestmark = pytest.mark.django_db


def test_anonymous_pages_set_no_cookie():
    site = SiteFactory()
    urls = ["/nl/", "/fr/sites/", f"/fr/sites/{site.reference}/", "/en/how-it-works/"]
    answers = {page: Client().get(page) for page in urls}
    assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(urls, 200)
    # The test client keeps Set-Cookie apart from the other headers: this is all of it.
    assert {page: r.cookies.output() for page, r in answers.items()} == dict.fromkeys(urls, "")


def test_django_set_language_still_remembers_a_posted_choice():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/nl/contact/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/contact/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_switcher_link_remembers_the_choice():
    client = Client()
    response = client.get("/i18n/choose/?next=%2Ffr%2Fsites%2F%3Fcommune%3D1")
    assert response.status_code == 302
    assert response["Location"] == "/fr/sites/?commune=1"
    assert response["Cache-Control"] == ("max-age=0, no-cache, no-store, must-revalidate, private")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
