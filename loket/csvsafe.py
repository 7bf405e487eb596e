"""CSV files that a spreadsheet opens as data, never as formulas.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is run as a formula by Excel and LibreOffice:
an owner's title `=HYPERLINK(...)` would become a link in a reuser's sheet. As OWASP
recommends ("CSV injection"), such text cells get a leading single quote, which spreadsheets
show as text. Real numbers stay numbers, so a negative amount is still a number.

Every CSV that Loket writes goes through `writer` (or `safe_cell`), the portal's and the
admin's alike."""

import csv
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write: a number as it is, any other value as text that is not a formula."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return f"'{text}"
    return text


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    return SafeWriter(file, **kwargs)
