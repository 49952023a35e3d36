"""Text bound for a spreadsheet cell (CSV or XLSX) never becomes a formula.

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` as a formula (and a tab or
carriage return before one of them is skipped): a customer called `=HYPERLINK(...)` or a reason
`+cmd|...` would run in the reader's spreadsheet ("CSV injection"). Such text gets a leading
apostrophe, which spreadsheets read as "this is text". Numbers, dates and booleans are values,
not text, and stay as they are: -5 is still a number. Every CSV and XLSX writer passes its
cells through `safe_cell` (or rows through `safe_row`)."""

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
