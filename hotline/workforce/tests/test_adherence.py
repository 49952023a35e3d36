"""Adherence and conformance (pure), from state changes against a planned day."""

from datetime import UTC, datetime, timedelta

from hotline.workforce.adherence import PHONES, PREP, PlannedDay, activity, day_adherence

T0 = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


PLAN = PlannedDay(at(8), at(8.25), at(17), (("lunch", at(12), at(12.5)),))


def test_activity_follows_the_plan():
    assert activity(PLAN, at(7)) == "off"
    assert activity(PLAN, at(8.1)) == PREP
    assert activity(PLAN, at(9)) == PHONES
    assert activity(PLAN, at(12.2)) == "lunch"
    assert activity(None, at(9)) == "off"


def test_b1_late_log_in_lowers_adherence_and_conformance():
    changes = [(at(9), "away"), (at(9.25), "ready"), (at(12), "lunch"), (at(12.5), "ready")]
    result = day_adherence(PLAN, changes, "logged_out", T0, at(17))
    assert result.scheduled == timedelta(hours=9)
    # Missed 8:00-9:00 (away while on the phones 9:00-9:15 too): 1 h 15 out of 9 h.
    assert result.adherent == timedelta(hours=7, minutes=45)
    assert result.logged_in == timedelta(hours=8)
    assert round(result.conformance or 0, 3) == round(8 / 9, 3)


def test_working_through_lunch_is_out_of_adherence_but_conformant():
    changes = [(at(8), "away"), (at(8.25), "ready")]
    result = day_adherence(PLAN, changes, "logged_out", T0, at(17))
    assert result.adherent == timedelta(hours=8, minutes=30)
    assert result.logged_in == timedelta(hours=9)


def test_no_shift_means_nothing_scheduled():
    result = day_adherence(None, [], "logged_out", T0, at(17))
    assert result.adherence is None
    assert result.conformance is None
