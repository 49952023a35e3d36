"""Imports that combine sources: a country's holidays with the centre's own days."""

from datetime import datetime
from typing import Any

from hotline.imports import tables
from hotline.imports.engine import Outcome, import_file
from hotline.imports.registry import KINDS, Values
from hotline.imports.tables import Format


def import_with_country_holidays(
    country: list[Values], local: bytes, fmt: Format, *, actor: Any, now: datetime, dry_run: bool
) -> Outcome:
    """The country's holidays and the file's local additions (a local day replaces the
    country's on the same date), imported as one holidays file."""
    kind = KINDS["holidays"]
    rows = {_day_key(row): row for row in country}
    if local:
        headers, cells = tables.read(local, fmt)
        for row in cells:
            values = dict(zip(headers, row, strict=False))
            rows[_day_key(values)] = values
    data = tables.write(kind, rows.values(), "csv")
    return import_file(kind, data, "csv", actor=actor, now=now, dry_run=dry_run)


def _day_key(values: Values) -> tuple[str, str]:
    return str(values.get("calendar") or ""), str(values.get("day") or "")[:10]
