"""Numbers, money, surfaces, dates and machine-readable times, written the reader's way.

One way for every page and e-mail of the portal: templates use the filters of
`loket.templatetags.loket_format` (`{% load loket_format %}`), Python display code (review
pages, `__str__`, summaries) calls these functions. They read the active language, so an
e-mail rendered inside `translation.override(recipient.language)` comes out the recipient's
way. Babel's CLDR data gives the separators (Belgian French "4 500,00 €", Belgian Dutch
"€ 4.500,00", English "€ 4,500.00").
"""

import datetime
import functools
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, to_locale

CURRENCY = "EUR"

# The Belgian variants for the two languages of the Region; English readers get CLDR's
# plain English, as Django's own English formats do.
_BABEL_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en"}
# Where the euro sign stands: before the amount in Dutch and after it in French, as nl_BE and
# fr_BE have it, and before it in English too, as the portal has always written it. The
# locale gives the separators.
_CURRENCY_PATTERNS = {"nl": "¤ #,##0.00", "fr": "#,##0.00 ¤", "en": "¤ #,##0.00"}

# How a number field reads on a summary: a model lists its money, areas and lengths in a
# `number_kinds` class attribute, {field name: kind}; other numbers are plain.
MONEY = "money"
AREA = "area"
LENGTH = "length"
NUMBER = "number"


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale for a Django language code; the active language by default."""
    return _locale((language or get_language() or settings.LANGUAGE_CODE).lower())


@functools.lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    # Parsed once per language: a page formats dozens of amounts and surfaces.
    base = language.split("-")[0]
    return Locale.parse(_BABEL_LOCALES.get(base) or to_locale(language))


def _decimal(value) -> Decimal | None:
    """`value` as a Decimal; None for None, "" and what is no number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value, *, language: str | None = None) -> str:
    """An amount in euros with cents, the sign where the language puts it: "4 500,00 €"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    locale = babel_locale(language)
    pattern = _CURRENCY_PATTERNS.get(locale.language)
    return format_currency(amount, CURRENCY, format=pattern, locale=locale)


def number(value, decimals: int | None = None, *, language: str | None = None) -> str:
    """A number with the language's separators. `decimals` fixes the digits after the comma;
    without it the value keeps its own, with no trailing zeros ("670", "12 000,5")."""
    amount = _decimal(value)
    if amount is None:
        return ""
    locale = babel_locale(language)
    if decimals is None:
        return format_decimal(amount, locale=locale, decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(amount, format=pattern, locale=locale)


def area(value, *, language: str | None = None) -> str:
    """A surface in square metres: "670 m²", "12.000,5 m²" (no ",0" for a whole number)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_unit(amount, "area-square-meter", length="short", locale=babel_locale(language))


def length(value, *, language: str | None = None) -> str:
    """A length in metres: "2,8 m"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_unit(amount, "length-meter", length="short", locale=babel_locale(language))


def percent(value, *, language: str | None = None) -> str:
    """A share given in per cent (60 for 60 %): "60 %" in French, "60%" in Dutch."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_percent(amount / 100, locale=babel_locale(language))


def day(value: datetime.date | None, *, language: str | None = None) -> str:
    """A date in a sentence, as the language's `DATE_FORMAT` writes it (the templates'
    `|date:"DATE_FORMAT"`): "20 maart 2031", "20 mars 2031"; "" for None."""
    if value is None:
        return ""
    with translation.override(language or get_language()):
        return date_format(value, "DATE_FORMAT")


def period(start: datetime.date | None, end: datetime.date | None, *, html: bool = False) -> str:
    """When something is available, in the active language: "from 1 March 2031 until 31
    August 2032", "from …, open-ended", "now, until …" or "now, open-ended", as
    `properties/public/availability.html` writes it. With `html`, the dates are escaped and
    the sentence is safe markup, as `{% blocktranslate %}` leaves it."""
    if start and end:
        text = gettext("from %(start)s until %(end)s")
    elif start:
        text = gettext("from %(start)s, open-ended")
    elif end:
        text = gettext("now, until %(end)s")
    else:
        text = gettext("now, open-ended")
        return mark_safe(text) if html else text  # noqa: S308 (a translation, as the tag)
    dates = {
        "start": date_format(start, "DATE_FORMAT") if start else "",
        "end": date_format(end, "DATE_FORMAT") if end else "",
    }
    if html:
        escaped = {name: conditional_escape(value) for name, value in dates.items()}
        return mark_safe(text % escaped)  # noqa: S308 (a translation and escaped dates)
    return text % dates


FORMATTERS = {MONEY: money, AREA: area, LENGTH: length, NUMBER: number}


def field_value(field, value) -> str:
    """A number field's value as a summary writes it: money, area or length as the model's
    `number_kinds` ({field name: kind}) says, a plain number otherwise."""
    kinds = getattr(field.model, "number_kinds", {})
    return FORMATTERS[kinds.get(field.name, NUMBER)](value)


def datetime_attribute(value) -> str:
    """A date or time for an HTML `datetime` attribute: ISO 8601 to the second, as HTML
    requires (Django's `date:"c"` adds microseconds, which it does not allow). An aware time
    is given in Brussels time with its offset, like the text beside it; "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
