"""The links every page carries (header, language switcher, footer), for each persona and
language. The navigation URLs are computed once per language, so these pin what they are."""

import re

import pytest
from django.test import Client
from django.urls import set_script_prefix
from django.utils import translation

from loket.context_processors import navigation_urls

pytestmark = pytest.mark.django_db


def header_and_footer_links(response) -> list[str]:
    html = response.content.decode()
    main_start, main_end = html.index('<main id="main"'), html.index("</main>")
    outside = html[:main_start] + html[main_end:]
    return re.findall(r'<(?:a|form)[^>]* (?:href|action)="([^"]+)"', outside)


FOOTER = ["/{lang}/how-it-works/", "/{lang}/contact/", "/{lang}/privacy/", "/{lang}/accessibility/"]


def expected(language: str, page: str, account: list[str], *, signed_in: bool = True) -> list[str]:
    links = [
        "#main",
        "/{lang}/",
        *(["/{lang}/accounts/logout/"] if signed_in else []),
        *[f"/i18n/choose/?next=%2F{code}%2F{page}" for code in ("nl", "fr", "en")],
        "/{lang}/",
        "/{lang}/sites/",
        "/{lang}/how-it-works/",
        "/{lang}/contact/",
        *account,
        *FOOTER,
    ]
    return [link.format(lang=language) for link in links]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_anonymous_visitor_links(language):
    response = Client().get(f"/{language}/how-it-works/")
    account = ["/{lang}/accounts/login/", "/{lang}/accounts/signup/"]
    assert header_and_footer_links(response) == expected(
        language, "how-it-works%2F", account, signed_in=False
    )


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_holder_links(holder_client, language):
    response = holder_client.get(f"/{language}/sites/?page=2")
    account = [
        "/{lang}/my/applications/",
        "/{lang}/my/searches/",
        "/{lang}/my/proposals/",
        "/{lang}/accounts/profile/",
    ]
    assert header_and_footer_links(response) == expected(language, "sites%2F%3Fpage%3D2", account)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_owner_links(owner_client, language):
    response = owner_client.get(f"/{language}/")
    account = [
        "/{lang}/my/sites/",
        "/{lang}/my/proposals/",
        "/{lang}/accounts/profile/",
    ]
    assert header_and_footer_links(response) == expected(language, "", account)


def test_caseworker_links(caseworker_client):
    response = caseworker_client.get("/fr/contact/")
    account = [
        "/{lang}/my/sites/",
        "/{lang}/accounts/profile/",
        "/admin/",
    ]
    assert header_and_footer_links(response) == expected("fr", "contact%2F", account)


def test_navigation_urls_follow_the_script_prefix():
    set_script_prefix("/loket/")
    try:
        with translation.override("fr"):
            mounted = navigation_urls()
    finally:
        set_script_prefix("/")
    with translation.override("fr"):
        plain = navigation_urls()
    assert [mounted["home"], mounted["admin"]] == ["/loket/fr/", "/loket/admin/"]
    assert [plain["home"], plain["admin"]] == ["/fr/", "/admin/"]
