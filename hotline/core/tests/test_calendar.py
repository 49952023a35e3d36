"""Tests for hotline.core.calendar: business-time arithmetic and rulebook rule D1.

Every expected UTC value was worked out by hand from the zone rules, never computed with
the code under test:
  Europe/Sofia      EET  = UTC+2 (winter), EEST = UTC+3 (summer);
                    2025 switches: Sun 30 Mar 03:00 -> 04:00, Sun 26 Oct 04:00 -> 03:00.
  America/New_York  EST  = UTC-5 (winter), EDT  = UTC-4 (summer);
                    2025 switches: Sun 9 Mar 02:00 -> 03:00, Sun 2 Nov 02:00 -> 01:00.
Default hours are 08:30-17:00, Monday to Friday (8.5 h a day).
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.core.calendar import (
    D1_DEFAULT_CUTOFF,
    BusinessCalendar,
    D1Booking,
    d1_booking,
)

SOFIA = ZoneInfo("Europe/Sofia")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))
DAY_LENGTH = timedelta(hours=8, minutes=30)

# Bulgarian public holidays that fall on weekdays in 2025.
LIBERATION_DAY = date(2025, 3, 3)  # Monday
INDEPENDENCE_DAY = date(2025, 9, 22)  # Monday

SOFIA_CAL = BusinessCalendar("Europe/Sofia", holidays=frozenset({LIBERATION_DAY}))
NEW_YORK_CAL = BusinessCalendar("America/New_York")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def sofia(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SOFIA)


def new_york(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def book(now: datetime, business_premises: bool = False) -> D1Booking:
    return d1_booking(now, SOFIA_CAL, D1_DEFAULT_CUTOFF, business_premises)


# --- rule D1 -----------------------------------------------------------------------------


def test_d1_request_before_cutoff_starts_now() -> None:
    # Tue 14 Jan 2025 10:00 EET = 08:00 UTC.
    assert book(sofia(2025, 1, 14, 10)) == D1Booking(utc(2025, 1, 14, 8), False, "open")


def test_d1_request_after_cutoff_is_booked_next_working_day() -> None:
    # Tue 16:15 EET -> Wed 15 Jan 08:30 EET = 06:30 UTC.
    booking = book(sofia(2025, 1, 14, 16, 15))
    assert booking == D1Booking(utc(2025, 1, 15, 6, 30), True, "after_cutoff")


def test_d1_request_exactly_at_cutoff_is_after_cutoff() -> None:
    assert book(sofia(2025, 1, 14, 16)).reason == "after_cutoff"
    assert book(sofia(2025, 1, 14, 15, 59)).reason == "open"


def test_d1_business_premises_keep_same_day_after_cutoff() -> None:
    booking = book(sofia(2025, 1, 14, 16, 15), business_premises=True)
    assert booking == D1Booking(utc(2025, 1, 14, 14, 15), False, "business_premises")


def test_d1_business_premises_before_cutoff_are_just_open() -> None:
    booking = book(sofia(2025, 1, 14, 10), business_premises=True)
    assert booking == D1Booking(utc(2025, 1, 14, 8), False, "open")


def test_d1_friday_after_cutoff_goes_to_monday() -> None:
    # Fri 17 Jan 2025 16:30 EET -> Mon 20 Jan 08:30 EET = 06:30 UTC.
    booking = book(sofia(2025, 1, 17, 16, 30))
    assert booking == D1Booking(utc(2025, 1, 20, 6, 30), True, "after_cutoff")


def test_d1_holiday_is_skipped() -> None:
    # Fri 28 Feb 16:30 -> Mon 3 Mar is Liberation Day -> Tue 4 Mar 08:30 EET = 06:30 UTC.
    booking = book(sofia(2025, 2, 28, 16, 30))
    assert booking == D1Booking(utc(2025, 3, 4, 6, 30), True, "after_cutoff")


def test_d1_request_on_a_holiday_is_closed_until_next_working_day() -> None:
    booking = book(sofia(2025, 3, 3, 11), business_premises=True)
    assert booking == D1Booking(utc(2025, 3, 4, 6, 30), True, "closed")


def test_d1_before_opening_waits_for_same_day_opening() -> None:
    # Tue 07:00 EET -> same day 08:30 EET = 06:30 UTC.
    booking = book(sofia(2025, 1, 14, 7))
    assert booking == D1Booking(utc(2025, 1, 14, 6, 30), True, "closed")


@pytest.mark.parametrize("business_premises", [False, True])
def test_d1_after_closing_is_closed_even_for_business_premises(business_premises: bool) -> None:
    booking = book(sofia(2025, 1, 14, 17), business_premises=business_premises)
    assert booking == D1Booking(utc(2025, 1, 15, 6, 30), True, "closed")


def test_d1_weekend_is_closed_until_monday() -> None:
    booking = book(sofia(2025, 1, 18, 12))  # Saturday
    assert booking == D1Booking(utc(2025, 1, 20, 6, 30), True, "closed")


def test_d1_cutoff_is_local_wall_clock_in_summer() -> None:
    # Wed 16 Jul 2025, EEST: 16:00 local is 13:00 UTC; next opening Thu 08:30 = 05:30 UTC.
    assert book(utc(2025, 7, 16, 12, 59)).reason == "open"
    booking = book(utc(2025, 7, 16, 13))
    assert booking == D1Booking(utc(2025, 7, 17, 5, 30), True, "after_cutoff")


def test_d1_accepts_any_input_zone_and_answers_in_utc() -> None:
    # 09:15 EST = 14:15 UTC = 16:15 in Sofia: past the Sofia cut-off.
    booking = book(new_york(2025, 1, 14, 9, 15))
    assert booking == D1Booking(utc(2025, 1, 15, 6, 30), True, "after_cutoff")
    assert booking.earliest.tzinfo is UTC
    assert book(new_york(2025, 1, 14, 2)).earliest.tzinfo is UTC  # 09:00 in Sofia: open


@pytest.mark.parametrize("cutoff", [time(8, 29), time(17, 1), time(23, 0)])
def test_d1_rejects_cutoff_outside_opening_hours(cutoff: time) -> None:
    with pytest.raises(ValueError, match="cutoff"):
        d1_booking(sofia(2025, 1, 14, 10), SOFIA_CAL, cutoff, False)


def test_d1_cutoff_at_opening_or_closing_is_allowed() -> None:
    now = sofia(2025, 1, 14, 10)
    assert d1_booking(now, SOFIA_CAL, time(8, 30), False).reason == "after_cutoff"
    assert d1_booking(now, SOFIA_CAL, time(17, 0), False).reason == "open"


def test_d1_rejects_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        d1_booking(datetime(2025, 1, 14, 10), SOFIA_CAL, D1_DEFAULT_CUTOFF, False)


# --- calendar basics ---------------------------------------------------------------------


def test_is_open_includes_opening_and_excludes_closing() -> None:
    assert not SOFIA_CAL.is_open(sofia(2025, 1, 14, 8, 29))
    assert SOFIA_CAL.is_open(sofia(2025, 1, 14, 8, 30))
    assert SOFIA_CAL.is_open(sofia(2025, 1, 14, 16, 59))
    assert not SOFIA_CAL.is_open(sofia(2025, 1, 14, 17))
    assert not SOFIA_CAL.is_open(sofia(2025, 1, 18, 12))  # Saturday
    assert not SOFIA_CAL.is_open(sofia(2025, 3, 3, 12))  # holiday


def test_is_open_uses_the_calendar_zone_not_the_input_zone() -> None:
    # 08:00 UTC on a Tuesday is 10:00 in Sofia (open) and 03:00 in New York (closed).
    assert SOFIA_CAL.is_open(utc(2025, 1, 14, 8))
    assert not NEW_YORK_CAL.is_open(utc(2025, 1, 14, 8))


def test_working_days_and_holidays() -> None:
    assert SOFIA_CAL.is_working_day(date(2025, 1, 17))  # Friday
    assert not SOFIA_CAL.is_working_day(date(2025, 1, 18))  # Saturday
    assert not SOFIA_CAL.is_working_day(LIBERATION_DAY)
    assert SOFIA_CAL.next_working_day(date(2025, 1, 17)) == date(2025, 1, 20)
    assert SOFIA_CAL.next_working_day(date(2025, 2, 28)) == date(2025, 3, 4)
    assert SOFIA_CAL.next_working_day(date(2025, 1, 14)) == date(2025, 1, 15)  # strictly after


def test_opening_and_closing_follow_the_local_offset() -> None:
    assert SOFIA_CAL.opening_on(date(2025, 1, 14)) == utc(2025, 1, 14, 6, 30)
    assert SOFIA_CAL.closing_on(date(2025, 1, 14)) == utc(2025, 1, 14, 15)
    assert SOFIA_CAL.opening_on(date(2025, 7, 16)) == utc(2025, 7, 16, 5, 30)
    assert SOFIA_CAL.closing_on(date(2025, 7, 16)) == utc(2025, 7, 16, 14)
    assert NEW_YORK_CAL.opening_on(date(2025, 1, 14)) == utc(2025, 1, 14, 13, 30)
    assert NEW_YORK_CAL.opening_on(date(2025, 7, 16)) == utc(2025, 7, 16, 12, 30)


def test_nonexistent_and_ambiguous_hours_resolve_with_fold_zero() -> None:
    night_shift = BusinessCalendar("America/New_York", time(2, 30), time(4), EVERY_DAY)
    # 02:30 does not exist on 9 Mar 2025: fold=0 keeps EST, i.e. 07:30 UTC (03:30 EDT).
    assert night_shift.opening_on(date(2025, 3, 9)) == utc(2025, 3, 9, 7, 30)
    early = BusinessCalendar("America/New_York", time(1, 30), time(4), EVERY_DAY)
    # 01:30 happens twice on 2 Nov 2025: fold=0 is the first one, in EDT: 05:30 UTC.
    assert early.opening_on(date(2025, 11, 2)) == utc(2025, 11, 2, 5, 30)
    assert early.closing_on(date(2025, 11, 2)) == utc(2025, 11, 2, 9)  # 04:00 EST


def test_fold_on_the_configured_time_is_ignored() -> None:
    early = BusinessCalendar("America/New_York", time(1, 30, fold=1), time(4), EVERY_DAY)
    assert early.opening_on(date(2025, 11, 2)) == utc(2025, 11, 2, 5, 30)


def test_next_working_slot() -> None:
    open_now = sofia(2025, 1, 14, 10)
    assert SOFIA_CAL.next_working_slot(open_now) == utc(2025, 1, 14, 8)
    assert SOFIA_CAL.next_working_slot(open_now).tzinfo is UTC
    assert SOFIA_CAL.next_working_slot(sofia(2025, 1, 14, 7)) == utc(2025, 1, 14, 6, 30)
    assert SOFIA_CAL.next_working_slot(sofia(2025, 1, 14, 17)) == utc(2025, 1, 15, 6, 30)
    assert SOFIA_CAL.next_working_slot(sofia(2025, 1, 17, 23)) == utc(2025, 1, 20, 6, 30)
    assert SOFIA_CAL.next_working_slot(sofia(2025, 3, 1, 9)) == utc(2025, 3, 4, 6, 30)


# --- add_business_time -------------------------------------------------------------------


def test_add_business_time_within_a_day() -> None:
    assert SOFIA_CAL.add_business_time(sofia(2025, 1, 14, 9), hours(2)) == utc(2025, 1, 14, 9)


def test_add_business_time_across_a_night() -> None:
    # Tue 16:30 EET + 1 h: 30 min on Tuesday, 30 min from Wed 08:30 -> 09:00 EET = 07:00 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 1, 14, 16, 30), hours(1))
    assert result == utc(2025, 1, 15, 7)
    assert result.tzinfo is UTC


def test_add_business_time_that_fills_the_day_ends_at_closing() -> None:
    start = sofia(2025, 1, 14, 16, 30)
    assert SOFIA_CAL.add_business_time(start, timedelta(minutes=30)) == utc(2025, 1, 14, 15)


def test_add_business_time_across_a_weekend() -> None:
    # Fri 17 Jan 16:00 EET + 2 h: 1 h on Friday, 1 h from Mon 08:30 -> 09:30 EET = 07:30 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 1, 17, 16), hours(2))
    assert result == utc(2025, 1, 20, 7, 30)


def test_add_business_time_across_a_holiday() -> None:
    # Fri 28 Feb 16:00 + 2 h skips the weekend and Mon 3 Mar: Tue 09:30 EET = 07:30 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 2, 28, 16), hours(2))
    assert result == utc(2025, 3, 4, 7, 30)


def test_add_business_time_across_a_summer_holiday() -> None:
    cal = BusinessCalendar("Europe/Sofia", holidays=frozenset({INDEPENDENCE_DAY}))
    # Fri 19 Sep 16:00 EEST + 2 h -> Tue 23 Sep 09:30 EEST = 06:30 UTC.
    assert cal.add_business_time(sofia(2025, 9, 19, 16), hours(2)) == utc(2025, 9, 23, 6, 30)


def test_add_business_time_zero_from_closed_moment_is_next_opening() -> None:
    assert SOFIA_CAL.add_business_time(sofia(2025, 1, 14, 17), timedelta(0)) == utc(
        2025, 1, 15, 6, 30
    )
    assert SOFIA_CAL.add_business_time(sofia(2025, 1, 14, 10), timedelta(0)) == utc(2025, 1, 14, 8)


def test_add_business_time_from_a_closed_moment_starts_at_opening() -> None:
    # Sat 18 Jan + 1 h -> Mon 20 Jan 09:30 EET = 07:30 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 1, 18, 12), hours(1))
    assert result == utc(2025, 1, 20, 7, 30)


def test_add_business_time_over_several_weeks() -> None:
    # 10 working days of 8.5 h from Mon 6 Jan 08:30 end at Fri 17 Jan 17:00 EET = 15:00 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 1, 6, 8, 30), DAY_LENGTH * 10)
    assert result == utc(2025, 1, 17, 15)


def test_add_business_time_rejects_negative_amount() -> None:
    with pytest.raises(ValueError, match="negative"):
        SOFIA_CAL.add_business_time(sofia(2025, 1, 14, 10), timedelta(minutes=-1))


# --- DST: Europe/Sofia -------------------------------------------------------------------


def test_sofia_spring_forward_over_a_weekend() -> None:
    # Fri 28 Mar 16:30 EET (14:30 UTC) + 1 h: 30 min to 15:00 UTC, then Mon 31 Mar opens at
    # 08:30 EEST = 05:30 UTC; + 30 min = 06:00 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 3, 28, 16, 30), hours(1))
    assert result == utc(2025, 3, 31, 6)


def test_sofia_spring_forward_on_a_working_sunday() -> None:
    cal = BusinessCalendar("Europe/Sofia", working_days=EVERY_DAY)
    # Sat 29 Mar 16:00 EET (14:00 UTC) + 2 h: 1 h to 15:00 UTC, then Sun 30 Mar opens at
    # 08:30 EEST = 05:30 UTC; + 1 h = 06:30 UTC (not 07:30, as a fixed UTC+2 would give).
    assert cal.add_business_time(sofia(2025, 3, 29, 16), hours(2)) == utc(2025, 3, 30, 6, 30)
    assert cal.opening_on(date(2025, 3, 30)) == utc(2025, 3, 30, 5, 30)
    assert cal.closing_on(date(2025, 3, 30)) == utc(2025, 3, 30, 14)


def test_sofia_fall_back_over_a_weekend() -> None:
    # Fri 24 Oct 16:30 EEST (13:30 UTC) + 1 h: 30 min to 14:00 UTC, then Mon 27 Oct opens at
    # 08:30 EET = 06:30 UTC; + 30 min = 07:00 UTC.
    result = SOFIA_CAL.add_business_time(sofia(2025, 10, 24, 16, 30), hours(1))
    assert result == utc(2025, 10, 27, 7)


def test_sofia_fall_back_on_a_working_sunday() -> None:
    cal = BusinessCalendar("Europe/Sofia", working_days=EVERY_DAY)
    # Sat 25 Oct 16:30 EEST (13:30 UTC) + 1 h -> Sun 26 Oct 08:30 EET = 06:30 UTC + 30 min.
    assert cal.add_business_time(sofia(2025, 10, 25, 16, 30), hours(1)) == utc(2025, 10, 26, 7)


@pytest.mark.parametrize("dst_day", [date(2025, 3, 30), date(2025, 10, 26)])
def test_sofia_business_day_is_still_eight_and_a_half_hours_on_dst_days(dst_day: date) -> None:
    cal = BusinessCalendar("Europe/Sofia", working_days=EVERY_DAY)
    midnight = datetime.combine(dst_day, time(0), tzinfo=SOFIA)
    next_midnight = datetime.combine(dst_day + timedelta(days=1), time(0), tzinfo=SOFIA)
    assert cal.business_time_between(midnight, next_midnight) == DAY_LENGTH


# --- DST: America/New_York ---------------------------------------------------------------


def test_new_york_spring_forward_over_a_weekend() -> None:
    # Fri 7 Mar 16:30 EST (21:30 UTC) + 1 h: 30 min to 22:00 UTC, then Mon 10 Mar opens at
    # 08:30 EDT = 12:30 UTC; + 30 min = 13:00 UTC.
    result = NEW_YORK_CAL.add_business_time(new_york(2025, 3, 7, 16, 30), hours(1))
    assert result == utc(2025, 3, 10, 13)


def test_new_york_spring_forward_on_a_working_sunday() -> None:
    cal = BusinessCalendar("America/New_York", working_days=EVERY_DAY)
    # Sat 8 Mar 16:30 EST (21:30 UTC) + 1 h -> Sun 9 Mar 08:30 EDT = 12:30 UTC + 30 min.
    assert cal.add_business_time(new_york(2025, 3, 8, 16, 30), hours(1)) == utc(2025, 3, 9, 13)


def test_new_york_fall_back_over_a_weekend() -> None:
    # Fri 31 Oct 16:30 EDT (20:30 UTC) + 1 h: 30 min to 21:00 UTC, then Mon 3 Nov opens at
    # 08:30 EST = 13:30 UTC; + 30 min = 14:00 UTC.
    result = NEW_YORK_CAL.add_business_time(new_york(2025, 10, 31, 16, 30), hours(1))
    assert result == utc(2025, 11, 3, 14)


def test_new_york_fall_back_on_a_working_sunday() -> None:
    cal = BusinessCalendar("America/New_York", working_days=EVERY_DAY)
    # Sat 1 Nov 16:00 EDT (20:00 UTC) + 2 h: 1 h to 21:00 UTC, then Sun 2 Nov opens at
    # 08:30 EST = 13:30 UTC; + 1 h = 14:30 UTC.
    assert cal.add_business_time(new_york(2025, 11, 1, 16), hours(2)) == utc(2025, 11, 2, 14, 30)


# --- business_time_between ---------------------------------------------------------------


def test_business_time_between_a_full_week() -> None:
    start = sofia(2025, 1, 13, 0)  # Monday
    assert SOFIA_CAL.business_time_between(start, start + timedelta(days=7)) == DAY_LENGTH * 5


def test_business_time_between_partial_days() -> None:
    # Tue 16:00 -> Wed 10:00: 1 h on Tuesday + 1.5 h on Wednesday.
    between = SOFIA_CAL.business_time_between(sofia(2025, 1, 14, 16), sofia(2025, 1, 15, 10))
    assert between == hours(2.5)


def test_business_time_between_is_zero_when_end_not_after_start() -> None:
    moment = sofia(2025, 1, 14, 10)
    assert SOFIA_CAL.business_time_between(moment, moment) == timedelta(0)
    assert SOFIA_CAL.business_time_between(moment, moment - hours(1)) == timedelta(0)


def test_business_time_between_mixed_input_zones() -> None:
    # 09:00 EET = 07:00 UTC = 02:00 EST; until 11:00 EET = 04:00 EST: 2 h of Sofia open time.
    between = SOFIA_CAL.business_time_between(new_york(2025, 1, 14, 2), sofia(2025, 1, 14, 11))
    assert between == hours(2)


def test_business_time_between_a_long_closed_stretch_is_zero() -> None:
    # Bounded by `end`, so a year of holidays is a valid (zero) answer, not an error.
    cal = BusinessCalendar("Europe/Sofia", holidays=_every_day(date(2025, 1, 1), 500))
    assert cal.business_time_between(sofia(2025, 1, 1, 0), sofia(2026, 2, 1, 0)) == timedelta(0)


CALENDARS = [
    SOFIA_CAL,
    NEW_YORK_CAL,
    BusinessCalendar("Europe/Sofia", working_days=EVERY_DAY),
    BusinessCalendar("America/New_York", time(7), time(19, 45), frozenset({1, 3, 5})),
    # Lord Howe Island shifts by only 30 minutes; a good test of offset-agnostic arithmetic.
    BusinessCalendar("Australia/Lord_Howe", working_days=EVERY_DAY),
    BusinessCalendar("America/New_York", time(1, 30), time(3), EVERY_DAY),  # DST-gap hours
]


@settings(max_examples=300, deadline=None, database=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2026, 12, 31),
        timezones=st.sampled_from([UTC, SOFIA, NEW_YORK]),
    ),
    amount=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
)
def test_business_time_between_inverts_add_business_time(
    calendar: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    end = calendar.add_business_time(start, amount)
    assert end >= start.astimezone(UTC)
    assert end.tzinfo is UTC
    assert calendar.business_time_between(start, end) == amount
    # The result is never strictly inside closed time: open, or exactly a closing instant.
    assert calendar.is_open(end) or calendar.is_open(end - timedelta(microseconds=1))


@settings(max_examples=200, deadline=None, database=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    moment=st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2026, 12, 31),
        timezones=st.sampled_from([UTC, SOFIA, NEW_YORK]),
    ),
)
def test_is_open_agrees_with_next_working_slot(
    calendar: BusinessCalendar, moment: datetime
) -> None:
    # Compare in UTC: == between zones is always False for a nonexistent/ambiguous local time.
    moment_utc = moment.astimezone(UTC)
    slot = calendar.next_working_slot(moment)
    assert slot >= moment_utc
    assert calendar.is_open(slot)
    assert calendar.is_open(moment) == (slot == moment_utc)


# --- validation --------------------------------------------------------------------------


def _every_day(first: date, count: int) -> frozenset[date]:
    return frozenset(first + timedelta(days=n) for n in range(count))


@pytest.mark.parametrize("zone", ["Europe/Nowhere", "europe/sofia", "", "../etc/passwd"])
def test_unknown_time_zone_is_rejected(zone: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        BusinessCalendar(zone)


@pytest.mark.parametrize(("opens", "closes"), [(time(17), time(8, 30)), (time(9), time(9))])
def test_opening_must_precede_closing(opens: time, closes: time) -> None:
    with pytest.raises(ValueError, match="earlier than closes"):
        BusinessCalendar("Europe/Sofia", opens, closes)


def test_hours_must_be_naive_wall_clock_times() -> None:
    with pytest.raises(ValueError, match="naive wall-clock"):
        BusinessCalendar("Europe/Sofia", opens=time(8, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    "working_days", [frozenset(), frozenset({7}), frozenset({-1, 0}), frozenset({True})]
)
def test_working_days_must_be_weekday_numbers(working_days: frozenset[int]) -> None:
    with pytest.raises(ValueError, match="working_days"):
        BusinessCalendar("Europe/Sofia", working_days=working_days)


def test_holidays_must_be_dates_not_datetimes() -> None:
    with pytest.raises(ValueError, match="holidays"):
        BusinessCalendar("Europe/Sofia", holidays=frozenset({datetime(2025, 3, 3, tzinfo=UTC)}))


def test_plain_sets_are_frozen_so_the_calendar_stays_hashable() -> None:
    cal = BusinessCalendar("Europe/Sofia", working_days={0, 1}, holidays={LIBERATION_DAY})  # type: ignore[arg-type]
    assert cal.working_days == frozenset({0, 1})
    assert isinstance(cal.holidays, frozenset)
    assert hash(cal) == hash(
        BusinessCalendar(
            "Europe/Sofia", working_days=frozenset({0, 1}), holidays=frozenset({LIBERATION_DAY})
        )
    )


NAIVE = datetime(2025, 1, 14, 10)
AWARE = sofia(2025, 1, 14, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: SOFIA_CAL.is_open(NAIVE),
        lambda: SOFIA_CAL.next_working_slot(NAIVE),
        lambda: SOFIA_CAL.add_business_time(NAIVE, hours(1)),
        lambda: SOFIA_CAL.business_time_between(NAIVE, AWARE),
        lambda: SOFIA_CAL.business_time_between(AWARE, NAIVE),
    ],
    ids=["is_open", "next_working_slot", "add_business_time", "between_start", "between_end"],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="aware"):
        call()


def test_a_year_without_working_days_is_reported() -> None:
    cal = BusinessCalendar("Europe/Sofia", holidays=_every_day(date(2025, 1, 1), 400))
    with pytest.raises(ValueError, match="no working day within 366 days"):
        cal.next_working_day(date(2024, 12, 31))
    with pytest.raises(ValueError, match="no working day within 366 days"):
        cal.next_working_slot(sofia(2025, 1, 1, 12))
    with pytest.raises(ValueError, match="no working day within 366 days"):
        cal.add_business_time(sofia(2024, 12, 31, 16), hours(2))
    with pytest.raises(ValueError, match="no working day within 366 days"):
        d1_booking(sofia(2025, 1, 1, 12), cal, D1_DEFAULT_CUTOFF, False)


def test_a_long_but_finite_closure_is_crossed() -> None:
    # 365 consecutive holidays still leave a working day within the 366-day bound.
    cal = BusinessCalendar("Europe/Sofia", holidays=_every_day(date(2025, 1, 1), 365))
    assert cal.next_working_day(date(2024, 12, 31)) == date(2026, 1, 1)  # a Thursday
    assert cal.next_working_slot(sofia(2025, 1, 1, 12)) == utc(2026, 1, 1, 6, 30)
