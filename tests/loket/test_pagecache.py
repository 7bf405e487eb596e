"""The pages that read the same for every visitor without a session are rendered once a minute
per process and language (`loket.pagecache`), and never for someone with something of their
own on the page."""

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from loket.pagecache import same_for_every_visitor

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary", "Content-Security-Policy")


def headers(response) -> dict[str, str]:
    return {name: response[name] for name in HEADERS if response.has_header(name)}


def rendered(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.mark.parametrize(
    "path", ["/nl/", "/fr/", "/en/", "/nl/how-it-works/", "/fr/contact/", "/nl/privacy/"]
)
def test_a_second_visitor_gets_the_same_page_without_a_rendering(path):
    first = Client().get(path)
    second = Client().get(path)

    assert first.status_code == second.status_code == 200
    assert "base.html" in rendered(first)
    assert rendered(second) == []
    assert second.content == first.content
    assert headers(second) == headers(first)
    assert headers(second)["Vary"] == "Cookie"
    assert headers(second)["Cache-Control"] == "public, max-age=60"


def test_each_language_has_its_own_copy():
    Client().get("/nl/")
    Client().get("/fr/")

    dutch = Client().get("/nl/").content.decode()
    french = Client().get("/fr/").content.decode()

    assert '<html lang="nl"' in dutch
    assert '<html lang="fr"' in french


def test_a_signed_in_user_gets_their_own_page_and_it_is_not_kept(holder_client, holder):
    Client().get("/nl/")

    own = holder_client.get("/nl/")
    after = Client().get("/nl/")

    assert "base.html" in rendered(own)
    assert "/nl/my/applications/" in own.content.decode()
    assert rendered(after) == []
    assert "/nl/my/applications/" not in after.content.decode()
    assert holder.get_full_name() not in after.content.decode()


def test_a_flash_message_is_rendered_for_its_reader_only():
    Client().get("/nl/")
    reader = Client()
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(messages.SUCCESS, "Your report was sent")
    reader.cookies[CookieStorage.cookie_name] = storage._encode(storage._queued_messages)

    own = reader.get("/nl/")
    after = Client().get("/nl/")

    assert "Your report was sent" in own.content.decode()
    assert "base.html" in rendered(own)
    assert "Your report was sent" not in after.content.decode()


def test_a_query_string_is_rendered_and_not_kept():
    asked = Client().get("/nl/?utm_source=newsletter")
    plain = Client().get("/nl/")

    assert "base.html" in rendered(asked)
    assert "base.html" in rendered(plain)


def test_a_session_cookie_is_rendered_and_not_kept():
    visitor = Client()
    visitor.cookies[settings.SESSION_COOKIE_NAME] = "gone"
    visitor.get("/nl/")

    assert "base.html" in rendered(Client().get("/nl/"))


def test_a_page_that_uses_a_csrf_token_is_never_kept(rf):
    calls = []

    @same_for_every_visitor
    def form_page(request):
        calls.append(request)
        return HttpResponse(f"token {get_token(request)}")

    first = form_page(rf.get("/nl/form/"))
    second = form_page(rf.get("/nl/form/"))

    assert len(calls) == 2
    assert first.content != second.content


def test_a_page_is_rendered_again_when_its_minute_is_over(rf, settings):
    calls = []

    @same_for_every_visitor
    def page(request):
        calls.append(request)
        return HttpResponse("the same for everyone")

    settings.PUBLIC_PAGE_MAX_AGE = 0
    page(rf.get("/nl/page/"))
    page(rf.get("/nl/page/"))
    settings.PUBLIC_PAGE_MAX_AGE = 60
    page(rf.get("/nl/page/"))
    page(rf.get("/nl/page/"))

    assert len(calls) == 3
