import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Division (5 digits), section (letter), radical (4 digits) / bis (2 digits), exponent (letter
# or _), power (3 digits): for example 21001A0123/00B004.
CAPAKEY = re.compile(r"^\d{5}[A-Z]\d{4}/\d{2}[A-Z_]\d{3}$")


def normalise_capakey(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_capakey(value: str) -> None:
    if not CAPAKEY.match(normalise_capakey(value)):
        raise ValidationError(
            _("“%(value)s” is not a cadastral parcel number (CaPaKey) such as 21001A0123/00B004."),
            code="capakey",
            params={"value": value},
        )


def validate_capakey_list(values) -> None:
    if not isinstance(values, list):
        raise ValidationError(_("Give a list of parcel numbers."), code="capakey_list")
    for value in values:
        validate_capakey(value)
