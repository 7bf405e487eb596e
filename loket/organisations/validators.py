import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-/]")


def normalise_enterprise_number(value: str) -> str:
    """'BE 0123.456.749' -> '0123456749'. Returns the input unchanged when it is not digits."""
    cleaned = _SEPARATORS.sub("", value or "").upper()
    if cleaned.startswith("BE"):
        cleaned = cleaned[2:]
    return cleaned


def enterprise_number_is_valid(number: str) -> bool:
    """A BCE/KBO number has 10 digits, starts with 0 or 1, and its last two digits are
    97 minus the first eight modulo 97."""
    if not re.fullmatch(r"[01]\d{9}", number):
        return False
    return 97 - int(number[:8]) % 97 == int(number[8:])


def validate_enterprise_number(value: str) -> None:
    number = normalise_enterprise_number(value)
    if not re.fullmatch(r"\d{10}", number):
        raise ValidationError(
            _("An enterprise number has 10 digits, for example 0123.456.749."),
            code="enterprise_number_format",
        )
    if not enterprise_number_is_valid(number):
        raise ValidationError(
            _("This enterprise number does not exist: its check digits do not match."),
            code="enterprise_number_checksum",
        )


def format_enterprise_number(number: str) -> str:
    if len(number) != 10:
        return number
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"
