"""Instants the tests start from, written the way a person reads them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SOFIA = ZoneInfo("Europe/Sofia")  # the demo centre's time zone

# Monday 2026-11-23, 10:00 in Sofia (UTC+2): the centre is open.
MONDAY_10_SOFIA = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An instant in UTC."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def sofia(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock instant in Sofia, as the centre's calendar reads it (in UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=SOFIA).astimezone(UTC)
