"""The pages that read the same for every visitor without a session, kept for a minute.

Home, how it works, contact and privacy hold no data: for a visitor who is not signed in they
are the same text in each language, yet rendering one through the base template (the
navigation, the language switcher and its alternates, the footer) costs more than the rest of
the request. A process keeps each such page's HTML for `settings.PUBLIC_PAGE_MAX_AGE`
seconds, the time a shared cache in front of the portal may keep it too
(`CacheControlMiddleware`).

What is kept is only the body and its type: every answer is a new response, so the
middleware still sets the headers (the language, the CSP, `Cache-Control`) for this request,
and the answer says that it varies with the cookie, as a rendered one does.

A page is kept, and served from what was kept, only for a request that can have nothing of
its own on it:

- a GET or HEAD without a query string (a query string could make as many copies as an
  attacker likes);
- without a session cookie (a signed-in user, or someone half-way through signing in, sees
  their name and menu) and without the messages cookie (a flash message is for one reader);
- and a page is kept only when its rendering set no cookie and used no CSRF token: a form's
  token belongs to one visitor.

The copies live in the process, not in Redis: a deploy starts new processes, so a page never
outlives the templates and static files it was rendered with, and a hit costs no round trip.
"""

import functools
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# {(language, path): (expires at, body, content type)}. A handful of pages in three
# languages: the keys are the views' own fixed paths, never a query string.
_pages: dict[tuple[str, str], tuple[float, bytes, str]] = {}


def forget() -> None:
    """Drop every kept page (the test suite does, between tests)."""
    _pages.clear()


@receiver(setting_changed)
def _forget_on_setting_changed(**kwargs) -> None:
    forget()


def _may_share(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _keep(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def same_for_every_visitor(view):
    """Keep the page `view` renders for visitors without a session; see the module."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _may_share(request):
            return view(request, *args, **kwargs)
        key = (get_language(), request.path)
        kept = _pages.get(key)
        now = time.monotonic()
        if kept is not None and kept[0] > now:
            response = HttpResponse(kept[1], content_type=kept[2])
            # A rendering reads the session (who is signed in), and the session middleware
            # then says the page varies with the cookie; a kept copy reads nothing, so it says
            # so itself, or a shared cache could hand it to a signed-in user.
            patch_vary_headers(response, ("Cookie",))
            return response
        response = view(request, *args, **kwargs)
        if _keep(request, response):
            _pages[key] = (
                now + settings.PUBLIC_PAGE_MAX_AGE,
                response.content,
                response["Content-Type"],
            )
        return response

    return wrapper
