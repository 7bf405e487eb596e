"""Template filters for numbers, money, surfaces and `<time datetime>`, in the reader's
language: `{% load loket_format %}` then `{{ site.fee_amount|money }}`,
`{{ unit.surface_m2|area }}`, `{{ height|metres }}`, `{{ count|number }}`, `{{ share|percent }}`,
`<time datetime="{{ when|datetime_attr }}">`. They wrap `loket.formatting`, which the Python
display code uses too, so a page and an e-mail write a number the same way."""

from django import template

from loket import formatting

register = template.Library()


@register.filter
def money(value) -> str:
    """`4500` → "4 500,00 €" (fr), "€ 4.500,00" (nl), "€ 4,500.00" (en)."""
    return formatting.money(value)


@register.filter
def number(value, decimals=None) -> str:
    """`12000.5` → "12 000,5"; `|number:2` fixes two digits after the comma."""
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def area(value) -> str:
    """`Decimal("670.0")` → "670 m²"."""
    return formatting.area(value)


@register.filter
def metres(value) -> str:
    """A length: `Decimal("2.80")` → "2,8 m". (Not `length`: that is Django's own filter.)"""
    return formatting.length(value)


@register.filter
def percent(value) -> str:
    """A share in per cent: `60` → "60 %" (fr), "60%" (nl)."""
    return formatting.percent(value)


@register.filter
def datetime_attr(value) -> str:
    """A date or time for `<time datetime="…">`, to the second as HTML requires."""
    return formatting.datetime_attribute(value)


@register.simple_tag
def availability(start, end) -> str:
    """`{% availability site.available_from site.available_until %}`: "from 1 March 2031
    until 31 August 2032", or open-ended, or from now. In Python rather than an include,
    because the catalogue writes it on every row."""
    return formatting.period(start, end, html=True)
