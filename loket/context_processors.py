from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_info

from loket.accounts.access import has_desk_powers, has_totp, second_factor_url


def portal(request):
    """Language alternates for the switcher and the hreflang links of every page."""
    path = request.get_full_path()
    current = get_language()
    choose = reverse("language_choose")
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": url,
                # The switcher's link: it remembers the choice, then opens `url`.
                "choose_url": f"{choose}?{urlencode({'next': url})}",
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
            }
        )
    return {
        "language_alternates": alternates,
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
