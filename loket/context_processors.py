from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.encoding import iri_to_uri
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_info,
    override,
)

from loket.accounts.access import has_desk_powers, has_totp, second_factor_url

# The links of the header and the footer, by the name base.html reads them under.
NAVIGATION = {
    "home": "pages:home",
    "catalogue": "properties:catalogue",
    "how_it_works": "pages:how_it_works",
    "contact": "pages:contact",
    "privacy": "pages:privacy",
    "accessibility": "pages:accessibility",
    "login": "account_login",
    "signup": "account_signup",
    "logout": "account_logout",
    "holder_dashboard": "projects:holder_dashboard",
    "searches": "searches:list",
    "owner_dashboard": "properties:owner_dashboard",
    "proposals": "matching:proposal_list",
    "account": "accounts:home",
    "admin": "admin:index",
    "language_choose": "language_choose",
}

# They depend on the language, the URLconf and the script prefix only, never on the request,
# so each combination is reversed once per process instead of on every page.
_navigation: dict[tuple, dict[str, str]] = {}


def navigation_urls() -> dict[str, str]:
    key = (get_urlconf(settings.ROOT_URLCONF), get_script_prefix(), get_language())
    urls = _navigation.get(key)
    if urls is None:
        urls = _navigation[key] = {name: reverse(view) for name, view in NAVIGATION.items()}
    return urls


def _in_language(request, path: str, code: str) -> str:
    """`path` in the language `code`, as `translate_url` gives it, from the request's own
    match: the URL was resolved once already, so only the reverse is left."""
    match = request.resolver_match
    if match is None or match.url_name is None:
        return translate_url(path, code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            translated = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    query = request.META.get("QUERY_STRING", "")
    return f"{translated}?{iri_to_uri(query)}" if query else translated


def language_alternates(request, choose_url: str) -> list[dict]:
    """The page in each language: the page itself for the language of its URL, and the
    same view reversed in the others."""
    path = request.get_full_path()
    current = get_language()
    own = get_language_from_path(request.path_info)
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = path if code == own else _in_language(request, path, code)
        alternates.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
                # The switcher's link: it remembers the choice, then opens `url`.
                "choose_url": f"{choose_url}?{urlencode({'next': url})}",
            }
        )
    return alternates


def portal(request):
    """The navigation links, and the language alternates for the switcher and the hreflang
    links of every page. The alternates are worked out only when a template reads them, so
    pages that are not built on base.html (the admin's) do not pay for them."""
    urls = navigation_urls()
    return {
        "nav_urls": urls,
        "language_alternates": SimpleLazyObject(
            lambda: language_alternates(request, urls["language_choose"])
        ),
        "x_default_url": request.build_absolute_uri("/"),
    }


def second_factor(request):
    """For a staff account whose session has not passed the second factor: where to finish it.
    Until then its desk powers are off, and every page says so."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff or has_desk_powers(user):
        return {}
    totp = has_totp(user)
    return {
        "second_factor_url": second_factor_url(user, request.get_full_path(), totp=totp),
        "second_factor_has_totp": totp,
    }
