"""Time helpers for a core that never reads the clock itself."""

from datetime import UTC, datetime


def require_aware(now: datetime) -> datetime:
    """`now` must carry its zone: a naive time is ambiguous across sites and DST."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("an aware datetime is required (got a naive one)")
    return now


def as_utc(moment: datetime) -> datetime:
    return require_aware(moment).astimezone(UTC)
