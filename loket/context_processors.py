from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def portal(request):
    """Language alternates for the switcher and the hreflang links of every page."""
    path = request.get_full_path()
    current = get_language()
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "is_current": code == current,
            }
        )
    return {
        "language_alternates": alternates,
        "x_default_url": request.build_absolute_uri("/"),
    }
