"""A report is a list of titled tables; pages, PDF, XLSX, CSV and JSON all render the same one.

Keeping one shape means a figure can't say one thing on the page and another in the download.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class Column:
    key: str
    label: Label
    kind: str = "int"  # int | share | float | hours | text | bool


@dataclass(frozen=True)
class Chart:
    """A bar chart of the table: one bar group per row, labelled by ``label_key``."""

    label_key: str
    value_keys: tuple[str, ...]
    marker_key: str | None = None  # a tick per group (a target, a usual share)
    percent: bool = False
    alert_key: str | None = None  # rows where this is true are drawn in red


@dataclass
class Section:
    key: str
    title: Label
    rule: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: Chart | None = None
    note: Label = ""

    def row(self, **match: Any) -> dict[str, Any]:
        """The one row whose values match (for tests and callers that know what they want)."""
        found = [r for r in self.rows if all(r.get(k) == v for k, v in match.items())]
        if len(found) != 1:
            raise KeyError(f"{len(found)} rows of {self.key} match {match}")
        return found[0]


@dataclass
class Report:
    kind: str  # monthly | weekly | daily
    rule: str
    title: Label
    period_label: str
    start: datetime
    end: datetime
    scope: str
    sections: list[Section]
    generated_at: datetime
    zone: str = "UTC"  # the centre's zone: periods are its local days

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)
