"""Public pages can be served from a shared cache: an anonymous visitor gets no cookie and no
session, and the language cookie is set only when the reader chooses a language."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from .factories import SiteFactory

pytestmark = pytest.mark.django_db

PUBLIC = {"Cache-Control": "public, max-age=60", "Vary": "Cookie"}
CACHE_HEADERS = ("Cache-Control", "Vary", "Expires")


def cache_headers(response) -> dict[str, str]:
    return {name: response[name] for name in CACHE_HEADERS if response.has_header(name)}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_public_pages_can_be_shared_by_a_cache(language):
    site = SiteFactory()
    urls = [
        f"/{language}/",
        f"/{language}/how-it-works/",
        f"/{language}/contact/",
        f"/{language}/privacy/",
        f"/{language}/sites/",
        f"/{language}/sites/?surface_min=10",
        f"/{language}/sites/{site.reference}/",
    ]
    answers = {page: Client().get(page) for page in urls}
    assert {page: r.status_code for page, r in answers.items()} == dict.fromkeys(urls, 200)
    assert {page: cache_headers(r) for page, r in answers.items()} == dict.fromkeys(urls, PUBLIC)
    assert {page: r.cookies.output() for page, r in answers.items()} == dict.fromkeys(urls, "")
    assert Session.objects.count() == 0


def test_the_catalogue_filter_form_carries_no_csrf_token():
    html = Client().get("/nl/sites/").content.decode()
    assert html.count("csrfmiddlewaretoken") == 0


def test_anonymous_form_pages_stay_out_of_shared_caches():
    never_cache = {
        "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
        "Vary": "Cookie",
    }
    urls = ["/nl/accessibility/", "/nl/accounts/login/", "/fr/accounts/signup/"]
    answers = {page: Client().get(page) for page in urls}
    assert {page: cache_headers(r) for page, r in answers.items()} == {
        "/nl/accessibility/": {"Cache-Control": "private, no-cache", "Vary": "Cookie"},
        "/nl/accounts/login/": {
            **never_cache,
            "Expires": answers["/nl/accounts/login/"]["Expires"],
        },
        "/fr/accounts/signup/": {
            **never_cache,
            "Expires": answers["/fr/accounts/signup/"]["Expires"],
        },
    }
    # The CSRF cookie is this visitor's own.
    assert [list(r.cookies) for r in answers.values()] == [[settings.CSRF_COOKIE_NAME]] * 3
    assert Session.objects.count() == 0


def test_a_visitor_with_a_csrf_cookie_still_gets_the_shared_copy():
    client = Client()
    client.get("/nl/accessibility/")
    response = client.get("/nl/how-it-works/")
    assert cache_headers(response) == PUBLIC
    assert response.cookies.output() == ""


def test_an_expired_session_cookie_is_removed_privately():
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "gone"
    response = client.get("/nl/how-it-works/")
    assert cache_headers(response) == {"Cache-Control": "private, no-cache", "Vary": "Cookie"}
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""


def test_signed_in_pages_are_not_stored(holder_client):
    answers = [holder_client.get(page) for page in ["/nl/", "/fr/sites/", "/nl/how-it-works/"]]
    assert [cache_headers(r) for r in answers] == [
        {"Cache-Control": "no-store", "Vary": "Cookie"}
    ] * 3


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
