"""loket.formatting and its template filters: numbers, money and surfaces the reader's way,
and `<time datetime>` values HTML accepts."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from loket import formatting
from loket.display import field_display
from projects.models import Application
from properties.models import Site, Unit

NBSP_NARROW = "\u202f"


def render(source: str, language: str, **context) -> str:
    template = engines["django"].from_string("{% load loket_format %}" + source)
    with translation.override(language):
        return template.render(context)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "€ 4.500,00"),
        ("fr", f"4{NBSP_NARROW}500,00 €"),
        ("en", "€ 4,500.00"),
    ],
)
def test_money_puts_the_euro_sign_where_the_language_does(language, expected):
    assert render("{{ amount|money }}", language, amount=Decimal("4500")) == expected


@pytest.mark.parametrize(
    ("language", "small", "large"),
    [
        ("nl", "€ 4,20", "€ 1.000,00"),
        ("fr", "4,20 €", f"1{NBSP_NARROW}000,00 €"),
    ],
)
def test_money_always_shows_the_cents(language, small, large):
    assert formatting.money(Decimal("4.2"), language=language) == small
    assert formatting.money("1000.00", language=language) == large


@pytest.mark.parametrize(
    ("language", "whole", "half"),
    [
        ("nl", "670 m²", "12.000,5 m²"),
        ("fr", f"670{NBSP_NARROW}m²", f"12{NBSP_NARROW}000,5{NBSP_NARROW}m²"),
        ("en", "670 m²", "12,000.5 m²"),
    ],
)
def test_area_drops_a_pointless_decimal_and_groups_thousands(language, whole, half):
    html = render("{{ a|area }}|{{ b|area }}", language, a=Decimal("670.0"), b=Decimal("12000.5"))
    assert html == f"{whole}|{half}"


def test_number_keeps_its_own_digits_or_the_ones_asked_for():
    assert formatting.number(4500.0, language="nl") == "4.500"
    assert formatting.number(Decimal("50.846700"), language="fr") == "50,8467"
    assert formatting.number(Decimal("200"), 1, language="en") == "200.0"
    assert render("{{ n|number:2 }}", "nl", n=Decimal("1000")) == "1.000,00"


def test_percent_and_metres_follow_the_language():
    assert render("{{ share|percent }}", "fr", share=60) == "60\xa0%"
    assert render("{{ share|percent }}", "nl", share=60) == "60%"
    assert render("{{ height|metres }}", "fr", height=Decimal("2.80")) == f"2,8{NBSP_NARROW}m"


@pytest.mark.parametrize("value", [None, "", "not a number"])
def test_nothing_to_format_gives_an_empty_string(value):
    assert (formatting.money(value), formatting.number(value), formatting.area(value)) == (
        "",
        "",
        "",
    )


def test_an_e_mail_rendered_for_its_recipient_uses_their_language():
    with translation.override("nl"):
        with translation.override("fr"):
            in_french = formatting.money(Decimal("17400"))
        in_dutch = formatting.money(Decimal("17400"))
    assert (in_french, in_dutch) == (f"17{NBSP_NARROW}400,00 €", "€ 17.400,00")


def test_day_writes_a_date_in_the_active_or_the_given_language():
    day = datetime.date(2031, 3, 16)
    with translation.override("fr"):
        in_french = formatting.day(day)
        in_dutch = formatting.day(day, language="nl")
    assert (in_french, in_dutch, formatting.day(None)) == ("16 mars 2031", "16 maart 2031", "")


def test_datetime_attribute_has_no_microseconds():
    moment = datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    assert render('<time datetime="{{ t|datetime_attr }}">', "nl", t=moment) == (
        '<time datetime="2026-03-01T10:30:15+01:00">'
    )
    assert formatting.datetime_attribute(datetime.date(2026, 3, 1)) == "2026-03-01"
    assert formatting.datetime_attribute(None) == ""


def test_review_values_follow_the_models_number_kinds():
    site = Site(fee_amount=Decimal("4.20"), ceiling_height_m=Decimal("3.50"), max_occupancy=1200)
    application = Application(surface_min=Decimal("4500.0"), max_monthly_budget=Decimal("1000"))
    unit = Unit(name="Hall", surface_m2=Decimal("670.0"))
    with translation.override("fr"):
        values = [
            field_display(site, "fee_amount"),
            field_display(site, "ceiling_height_m"),
            field_display(site, "max_occupancy"),
            field_display(application, "surface_min"),
            field_display(application, "max_monthly_budget"),
            str(unit),
        ]
    assert values == [
        "4,20 €",
        f"3,5{NBSP_NARROW}m",
        f"1{NBSP_NARROW}200",
        f"4{NBSP_NARROW}500{NBSP_NARROW}m²",
        f"1{NBSP_NARROW}000,00 €",
        f"Hall (670{NBSP_NARROW}m²)",
    ]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2031, 3, 1), datetime.date(2032, 8, 31)),
        (datetime.date(2031, 3, 1), None),
        (None, datetime.date(2032, 8, 31)),
        (None, None),
    ],
)
def test_the_availability_tag_writes_what_the_availability_include_writes(language, start, end):
    """The catalogue writes a row's availability with the tag; other pages include the
    template. Both say the same, in every language (the include ends with a line break)."""
    include = render(
        '{% include "properties/public/availability.html" %}', language, start=start, end=end
    )
    tag = render("{% availability start end %}", language, start=start, end=end)

    assert tag == include.removesuffix("\n")
