"""`loket.csvsafe`: CSV cells that spreadsheets read as data, never as formulas."""

import csv
import io
from decimal import Decimal

import pytest

from loket import csvsafe


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            '=HYPERLINK("https://evil.example","Click")',
            '\'=HYPERLINK("https://evil.example","Click")',
        ),
        ("+32 2 123 45 67", "'+32 2 123 45 67"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Rue Haute 12", "Rue Haute 12"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_cell_quotes_text_that_starts_like_a_formula(value, written):
    assert csvsafe.safe_cell(value) == written


@pytest.mark.parametrize("number", [-4, 0, 12, -0.5, 2.5, Decimal("-600.00"), Decimal("200.0")])
def test_safe_cell_keeps_numbers_negative_ones_too(number):
    assert csvsafe.safe_cell(number) == number


def test_writer_writes_safe_cells_and_plain_numbers():
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerows([["title", "amount"], ["=1+1", Decimal("-12.50")], ["@me", -3]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["title", "amount"],
        ["'=1+1", "-12.50"],
        ["'@me", "-3"],
    ]
