"""How event payloads (`Event.old` / `Event.new`) are written: JSON-safe, one way everywhere.

Times are stored as `datetime.isoformat()` writes them (with their offset, to the microsecond),
dates as ISO days, model rows as their primary key. Readers (reports, pages, the CTI push, the
customer's record) parse these strings back, so the form must not change (old events stay
readable).
"""

from collections.abc import Mapping
from datetime import date
from typing import Any


def iso(moment: date | None) -> str | None:
    """A time or day as ISO 8601 text, None when there is none."""
    return moment.isoformat() if moment else None


def payload_value(value: Any) -> Any:
    """One payload value made JSON-safe: times and days as ISO text, model rows as their id."""
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def payload(values: Mapping[str, Any] | None = None, /, **more: Any) -> dict[str, Any]:
    """A JSON-safe payload from a mapping and/or keywords (see `payload_value`)."""
    return {key: payload_value(value) for key, value in {**(values or {}), **more}.items()}
