import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path, get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers


def preferred_language(request) -> str | None:
    """The visitor's language from the cookie or Accept-Language, if Loket speaks it.

    Unlike Django's own lookup this never falls back to LANGUAGE_CODE: a visitor whose browser
    asks only for, say, German gets the language picker instead of a guess.
    """
    candidates = [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
    candidates += [
        code for code, _q in parse_accept_lang_header(request.headers.get("Accept-Language", ""))
    ]
    for code in candidates:
        if not code or code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


@vary_on_headers("Accept-Language", "Cookie")
def root_view(request):
    language = preferred_language(request)
    if language:
        return HttpResponseRedirect(f"/{language}/")
    return render(request, "language_choice.html")


@never_cache
def language_choose_view(request):
    """Remember the language the reader chose, then show `next` (a page in that language).

    The language switcher and the picker at `/` link here, so the cookie is set only by a
    choice, never by reading a page: public pages then set no cookie, and a cache in front of
    the portal can serve them. A GET, so that these stay plain links on cacheable pages (a POST
    to Django's set_language would need a CSRF token on every page); a forged link can at most
    change which language `/` opens.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = get_language_from_path(next_url.split("?", 1)[0])
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@never_cache
def healthz_view(request):
    """For load balancers and compose: 200 when the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        token = secrets.token_hex(8)
        cache.set("healthz", token, 10)
        checks["cache"] = "ok" if cache.get("healthz") == token else "error: mismatch"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
