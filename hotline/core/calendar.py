"""Business calendar arithmetic and rulebook rule D1 (after-16:00 repair requests).

Pure standard library on purpose: this module is shared by the web app, the workers and
the simulator, so it must not import Django and must never read the clock. Every function
receives the moment it reasons about (``now``/``start``) as an *aware* datetime in any zone
and returns aware datetimes in UTC, which keeps results comparable and storable as-is.

Opening hours are wall-clock times in the calendar's own zone, so a business day lasts
``closes - opens`` (8.5 h by default) even on the day a DST change happens. A wall-clock time
that does not exist (spring-forward gap) or exists twice (fall-back overlap) on some day is
resolved with ``fold=0``: the offset in force *before* the transition. E.g. 02:30 on the
New York spring-forward day becomes 07:30 UTC (03:30 EDT), and 01:30 on the fall-back day is
the first (EDT) 01:30.

Internally a working day is a *session*: the UTC interval ``[opening, closing)``. All
queries are answered from sessions, so ``is_open``, ``next_working_slot``,
``add_business_time`` and ``business_time_between`` always agree with each other.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hotline.core.timeutil import as_utc

__all__ = [
    "D1_DEFAULT_CUTOFF",
    "MAX_DAYS_WITHOUT_WORK",
    "BusinessCalendar",
    "D1Booking",
    "D1Reason",
    "d1_booking",
]

# A calendar whose configuration leaves no working day for a whole year (e.g. every day a
# holiday) is a configuration error; without this bound the day-by-day loops would never end.
MAX_DAYS_WITHOUT_WORK = 366

# Rulebook D1 names 16:00; callers should still pass the configured value to d1_booking.
D1_DEFAULT_CUTOFF = time(16, 0)

_ONE_DAY = timedelta(days=1)
_NO_TIME = timedelta(0)

# A session is the UTC interval [opening, closing) of one working day.
_Session = tuple[datetime, datetime]


def _wall_clock_instant(day: date, wall_clock: time, zone: ZoneInfo) -> datetime:
    # fold=0 is forced because datetime.combine would otherwise copy the time's own fold.
    local = datetime.combine(day, wall_clock.replace(fold=0), tzinfo=zone)
    return local.astimezone(UTC)


def _load_zone(key: str) -> ZoneInfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        # ZoneInfoNotFoundError is a KeyError; callers validating config expect ValueError.
        raise ValueError(
            f"unknown time zone {key!r}: expected an IANA name such as 'Europe/Sofia'"
        ) from exc


def _validate_wall_clock(value: time, name: str) -> None:
    # The zone comes from time_zone; an offset on the time itself would contradict it.
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive wall-clock time, got {value!r}")


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours, working days and holidays of the call centre in one time zone."""

    time_zone: str
    opens: time = time(8, 30)  # rulebook D1 defaults; callers pass the configured values
    closes: time = time(17, 0)
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0 ... Sunday=6
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        _load_zone(self.time_zone)
        self._validate_hours()
        # Config layers often hand over lists or sets; freezing keeps the calendar hashable.
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        self._validate_working_days()
        self._validate_holidays()

    def _validate_hours(self) -> None:
        _validate_wall_clock(self.opens, "opens")
        _validate_wall_clock(self.closes, "closes")
        if self.opens >= self.closes:
            raise ValueError(f"opens ({self.opens}) must be earlier than closes ({self.closes})")

    def _validate_working_days(self) -> None:
        if not self.working_days:
            raise ValueError("working_days must contain at least one weekday (Monday=0)")
        # bool is an int subclass; True/False in a weekday set is almost surely a bug.
        invalid = [
            d
            for d in self.working_days
            if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6
        ]
        if invalid:
            raise ValueError(f"working_days must be integers 0..6 (Monday=0), got {invalid}")

    def _validate_holidays(self) -> None:
        # datetime is a date subclass but never equals a date, so it would never match.
        invalid = [h for h in self.holidays if isinstance(h, datetime) or not isinstance(h, date)]
        if invalid:
            raise ValueError(f"holidays must be dates (not datetimes), got {invalid}")

    def tz(self) -> ZoneInfo:
        """The calendar's zone (ZoneInfo caches instances, so this is cheap)."""
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        """True for a configured weekday that is not a holiday."""
        return day.weekday() in self.working_days and day not in self.holidays

    def is_open(self, now: datetime) -> bool:
        """True when ``now`` falls in ``[opens, closes)`` of a working day, in local time."""
        now_utc = as_utc(now)
        session = self._session(self._local_date(now_utc))
        return session is not None and session[0] <= now_utc < session[1]

    def opening_on(self, day: date) -> datetime:
        """UTC instant of ``opens`` on the local calendar day ``day`` (fold=0)."""
        return _wall_clock_instant(day, self.opens, self.tz())

    def closing_on(self, day: date) -> datetime:
        """UTC instant of ``closes`` on the local calendar day ``day`` (fold=0)."""
        return _wall_clock_instant(day, self.closes, self.tz())

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day
        for _ in range(MAX_DAYS_WITHOUT_WORK):
            candidate += _ONE_DAY
            if self.is_working_day(candidate):
                return candidate
        raise self._no_working_day_error(day)

    def next_working_slot(self, now: datetime) -> datetime:
        """``now`` (in UTC) when open, otherwise the next opening instant."""
        now_utc = as_utc(now)
        for opening, closing in self._sessions_from(now_utc):
            if now_utc < closing:
                return max(now_utc, opening)
        raise AssertionError("unreachable: _sessions_from never ends")

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant after ``amount`` of open time has elapsed from ``start``.

        Closed time is skipped. An amount that exactly uses up a day ends at its closing
        instant (work due "by 17:00"), while an amount of zero from a closed moment yields
        the next opening, so the result is never strictly inside closed time.
        """
        cursor = as_utc(start)
        if amount < _NO_TIME:
            raise ValueError(f"amount must not be negative, got {amount}")
        remaining = amount
        for opening, closing in self._sessions_from(cursor):
            if closing <= cursor:
                continue
            cursor = max(cursor, opening)
            if remaining <= closing - cursor:
                return cursor + remaining
            remaining -= closing - cursor
        raise AssertionError("unreachable: _sessions_from never ends")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time within ``[start, end)``; zero when ``end <= start``."""
        start_utc, end_utc = as_utc(start), as_utc(end)
        total = _NO_TIME
        if end_utc <= start_utc:
            return total
        # Bounded by end, so no empty-calendar guard is needed: zero open time is an answer.
        day, last = self._local_date(start_utc) - _ONE_DAY, self._local_date(end_utc)
        while day <= last:
            session = self._session(day)
            if session is not None:
                total += max(_NO_TIME, min(session[1], end_utc) - max(session[0], start_utc))
            day += _ONE_DAY
        return total

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz()).date()

    def _session(self, day: date) -> _Session | None:
        """The UTC opening interval of ``day``, or None when nothing is open that day."""
        if not self.is_working_day(day):
            return None
        opening, closing = self.opening_on(day), self.closing_on(day)
        # Only possible when an hour sits in a DST gap (fold=0 shifts it past the other).
        return (opening, closing) if opening < closing else None

    def _sessions_from(self, moment: datetime) -> Iterator[_Session]:
        """Sessions in time order, starting with any that may still contain ``moment``."""
        # Start a day early: only the previous day's session could still be running.
        day = self._local_date(moment) - _ONE_DAY
        last_worked = day - _ONE_DAY  # the day before the current run of closed days
        while (day - last_worked).days <= MAX_DAYS_WITHOUT_WORK:
            session = self._session(day)
            if session is not None:
                last_worked = day
                yield session
            day += _ONE_DAY
        raise self._no_working_day_error(last_worked)

    def _no_working_day_error(self, after: date) -> ValueError:
        return ValueError(
            f"calendar {self.time_zone!r} has no working day within {MAX_DAYS_WITHOUT_WORK} "
            f"days after {after.isoformat()}: check working_days and holidays"
        )


D1Reason = Literal["open", "after_cutoff", "closed", "business_premises"]


@dataclass(frozen=True)
class D1Booking:
    """Outcome of rulebook rule D1 for one repair request."""

    earliest: datetime  # UTC: when work on the request may start
    deferred: bool  # pushed to a later working day (cut-off passed or centre closed)
    reason: D1Reason  # short machine code, stable for storage and reporting


def d1_booking(
    now: datetime, calendar: BusinessCalendar, cutoff: time, business_premises: bool
) -> D1Booking:
    """Apply rule D1: repair requests after the cut-off go to the next working day.

    Business premises (shops, offices) are exempt from the cut-off because they are only
    reachable during business hours, but not from closing time: when the centre is closed
    nobody can start work, whoever the customer is.
    """
    now_utc = as_utc(now)
    _validate_cutoff(calendar, cutoff)
    if not calendar.is_open(now_utc):
        return D1Booking(calendar.next_working_slot(now_utc), deferred=True, reason="closed")
    today = now_utc.astimezone(calendar.tz()).date()
    if now_utc < _wall_clock_instant(today, cutoff, calendar.tz()):
        return D1Booking(now_utc, deferred=False, reason="open")
    if business_premises:
        return D1Booking(now_utc, deferred=False, reason="business_premises")
    next_day = calendar.next_working_day(today)
    return D1Booking(calendar.opening_on(next_day), deferred=True, reason="after_cutoff")


def _validate_cutoff(calendar: BusinessCalendar, cutoff: time) -> None:
    _validate_wall_clock(cutoff, "cutoff")
    # A cut-off outside opening hours would make the rule silently always/never apply.
    if not calendar.opens <= cutoff <= calendar.closes:
        raise ValueError(
            f"cutoff ({cutoff}) must lie within opening hours [{calendar.opens}, {calendar.closes}]"
        )
