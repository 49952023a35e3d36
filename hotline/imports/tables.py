"""Files in and out: CSV (UTF-8, a header row) and XLSX, read and written with tablib."""

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import tablib  # type: ignore[import-untyped]  # it ships no type information
from django.utils.translation import gettext as _

from hotline.imports.registry import Kind, Values

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UnreadableFile(ValueError):
    """Not a CSV or XLSX file tablib can read: the message is in the reader's language."""


def format_of(filename: str) -> Format:
    return "xlsx" if filename.lower().endswith(".xlsx") else "csv"


def read(data: bytes, fmt: Format) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The header row and the data rows (empty rows left out)."""
    try:
        if fmt == "xlsx":
            dataset = tablib.Dataset().load(data, format="xlsx")
        else:
            dataset = tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is not UTF-8 text.")) from None
    except Exception:  # tablib and openpyxl raise many kinds on a damaged file
        raise UnreadableFile(_("The file is not a CSV or XLSX table.")) from None
    headers = [str(name or "").strip() for name in dataset.headers or []]
    rows = [row for row in dataset if any(cell not in (None, "") for cell in row)]
    return headers, rows


def write(
    kind: Kind, rows: Iterable[Values], fmt: Format, headers: list[str] | None = None
) -> bytes:
    """The rows as a file `read` takes back: a template when there are none. The headers are
    the column names unless given (a template's, in the reader's words)."""
    dataset = tablib.Dataset(headers=headers or kind.headers, title=kind.name[:31])
    for values in rows:
        dataset.append([column.write(values.get(column.name)) for column in kind.columns])
    return _bytes(dataset.export(fmt))


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: Format) -> bytes:
    dataset = tablib.Dataset(*[tuple(row) for row in rows], headers=list(headers))
    return _bytes(dataset.export(fmt))


def _bytes(exported: str | bytes) -> bytes:
    return exported.encode() if isinstance(exported, str) else exported
