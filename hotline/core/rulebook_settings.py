"""The rulebook's settings table, as data: one row for every bold number of POLICIES.md.

`hotline.core.rulebook` turns each row into a validated `Setting` (its default within its
bounds, its rule id known) and checks the pairs of `ORDERINGS` whenever an override changes.
Kinds and scopes are the values of `rulebook.Kind` and `rulebook.Scope`.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import NamedTuple

from hotline.core.i18n import gettext_noop


class Row(NamedTuple):
    """A setting as the rulebook declares it: the fields of `rulebook.Setting`."""

    key: str
    rule: str
    kind: str  # a `rulebook.Kind` value
    default: int | timedelta | time
    label: str
    minimum: int | timedelta | time
    maximum: int | timedelta | time
    unit: str = ""
    scopes: tuple[str, ...] = ()  # `rulebook.Scope` values, besides the deployment


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def _hours(n: float) -> timedelta:
    return timedelta(hours=n)


def _duration(
    key: str,
    rule: str,
    default: timedelta,
    label: str,
    unit: str,
    lo: timedelta,
    hi: timedelta,
    *scopes: str,
) -> Row:
    return Row(key, rule, "duration", default, label, lo, hi, unit, scopes)


def _count(key: str, rule: str, default: int, label: str, lo: int, hi: int, *scopes: str) -> Row:
    return Row(key, rule, "count", default, label, lo, hi, "", scopes)


def _percent(
    key: str, rule: str, default: int, label: str, lo: int = 0, hi: int = 100, *scopes: str
) -> Row:
    return Row(key, rule, "percent", default, label, lo, hi, "%", scopes)


def _clock(key: str, rule: str, default: time, label: str) -> Row:
    return Row(key, rule, "clock_time", default, label, time(0, 0), time(23, 59))


Q, T, Z, C = "queue", "team", "zone", "customer"

ROWS: tuple[Row, ...] = (
    _duration(
        "a1.max_talk",
        "A1",
        _minutes(15),
        gettext_noop("Maximum length of a call"),
        "min",
        _minutes(1),
        _hours(4),
        Q,
        T,
    ),
    _percent(
        "a1.warning_share",
        "A1",
        80,
        gettext_noop("Talk-time warning at this share of the maximum"),
        1,
        99,
        Q,
        T,
    ),
    _duration(
        "a2.max_wait",
        "A2",
        _minutes(3),
        gettext_noop("Maximum wait in the queue"),
        "min",
        timedelta(seconds=10),
        _hours(1),
        Q,
    ),
    # Not a bold number of POLICIES.md: A2 names "the service level" its breaches count
    # against; the share of calls answered within the KPI's 20 s that the floor aims at (the
    # wallboard's colours, README KPI definitions). Per queue, else team, else the centre.
    _percent(
        "a2.service_level_target",
        "A2",
        80,
        gettext_noop("Service level target: share of calls answered within 20 s"),
        1,
        100,
        Q,
        T,
    ),
    _count(
        "a3.daily_calls_target",
        "A3",
        30,
        gettext_noop("Calls each agent handles a day"),
        0,
        1000,
        T,
    ),
    _duration(
        "a4.transfer_answer_timeout",
        "A4",
        timedelta(seconds=20),
        gettext_noop("Time the receiving agent has to accept a transfer"),
        "s",
        timedelta(seconds=5),
        _minutes(5),
        Q,
    ),
    _duration(
        "b1.prep_min",
        "B1",
        _minutes(15),
        gettext_noop("Ready at least this long before the shift's first call"),
        "min",
        _minutes(0),
        _hours(1),
        T,
    ),
    _duration(
        "b1.prep_max",
        "B1",
        _minutes(20),
        gettext_noop("Preparation time before the shift's first call, at most"),
        "min",
        _minutes(0),
        _hours(1),
        T,
    ),
    _count("b2.short_breaks_per_day", "B2", 2, gettext_noop("Short breaks a day"), 0, 10, T),
    _duration(
        "b2.short_break_length",
        "B2",
        _minutes(15),
        gettext_noop("Length of a short break"),
        "min",
        _minutes(1),
        _hours(1),
        T,
    ),
    _count("b2.lunches_per_day", "B2", 1, gettext_noop("Lunch breaks a day"), 0, 3, T),
    _duration(
        "b2.lunch_length",
        "B2",
        _minutes(30),
        gettext_noop("Length of a lunch break"),
        "min",
        _minutes(5),
        _hours(2),
        T,
    ),
    _count(
        "b4.max_on_break",
        "B4",
        1,
        gettext_noop("Agents of a team on break at the same time, at most"),
        1,
        100,
        T,
    ),
    _percent(
        "b4.max_on_break_share",
        "B4",
        0,
        gettext_noop("Share of a team on break at the same time, at most (0: use the count)"),
        0,
        100,
        T,
    ),
    _count(
        "b6.min_available_agents",
        "B6",
        1,
        gettext_noop("Agents of a queue who must stay available when one leaves"),
        0,
        100,
        Q,
    ),
    _duration(
        "b7.warn_before",
        "B7",
        _minutes(30),
        gettext_noop("Warn the customer this long before a visit or callback would be missed"),
        "min",
        _minutes(5),
        _hours(24),
    ),
    # Not a bold number of POLICIES.md: how long a call's recording is kept for its quality
    # review (B11) before the worker deletes it. Per queue, else team, else the centre.
    _count(
        "b11.recording_retention_days",
        "B11",
        90,
        gettext_noop("Days a call recording is kept"),
        1,
        3650,
        Q,
        T,
    ),
    _clock("d1.opens", "D1", time(8, 30), gettext_noop("The centre opens")),
    _clock("d1.closes", "D1", time(17, 0), gettext_noop("The centre closes")),
    _clock(
        "d1.repair_cutoff",
        "D1",
        time(16, 0),
        gettext_noop("Repair requests after this time are booked for the next working day"),
    ),
    _duration(
        "d2.work_order_within",
        "D2",
        _minutes(10),
        gettext_noop("A ticket not solved on the phone becomes a work order within"),
        "min",
        _minutes(1),
        _hours(8),
    ),
    _duration(
        "d4.contact_within",
        "D4",
        _minutes(30),
        gettext_noop("The provider contacts the customer within"),
        "min",
        _minutes(5),
        _hours(24),
    ),
    _duration(
        "d4.status_within",
        "D4",
        _hours(3),
        gettext_noop("The provider reports status within"),
        "h",
        _minutes(15),
        _hours(48),
    ),
    _count(
        "d4.desk_checks_min",
        "D4",
        2,
        gettext_noop("Provider desk checks its orders at least, a day"),
        1,
        24,
    ),
    _count(
        "d4.desk_checks_max",
        "D4",
        3,
        gettext_noop("Provider desk checks its orders at most, a day"),
        1,
        24,
    ),
    _duration(
        "d5.urge_after",
        "D5",
        _hours(4),
        gettext_noop("Urge the provider when there is no feedback this long after the report"),
        "h",
        _minutes(15),
        _hours(48),
    ),
    _duration(
        "d6.urban_response",
        "D6",
        _hours(24),
        gettext_noop("Response limit in urban zones"),
        "h",
        _hours(1),
        _hours(720),
        Z,
        C,
    ),
    _duration(
        "d6.suburban_response",
        "D6",
        _hours(48),
        gettext_noop("Response limit in suburban zones"),
        "h",
        _hours(1),
        _hours(720),
        Z,
        C,
    ),
    _duration(
        "d6.other_response",
        "D6",
        _hours(72),
        gettext_noop("Response limit in other zones"),
        "h",
        _hours(1),
        _hours(720),
        Z,
        C,
    ),
    _clock(
        "d7.clearing_at",
        "D7",
        time(16, 30),
        gettext_noop("Daily clearing: unfinished orders are urged and the day's list sent at"),
    ),
    _duration(
        "d8.reply_within",
        "D8",
        _hours(2),
        gettext_noop("After a customer chase, the reply is promised within"),
        "h",
        _minutes(15),
        _hours(48),
    ),
    _duration(
        "d9.engineer_reply_within",
        "D9",
        _hours(24),
        gettext_noop("The after-sales engineer replies to a complaint within"),
        "h",
        _hours(1),
        _hours(168),
    ),
    _duration(
        "d11.callback_within",
        "D11",
        _minutes(30),
        gettext_noop("An enquiry not answered on the call is called back within"),
        "min",
        _minutes(5),
        _hours(24),
    ),
    _percent(
        "d12.repair_followup_share",
        "D12",
        100,
        gettext_noop("Share of repairs followed up"),
        100,
        100,
    ),
    _percent(
        "d12.installation_followup_share",
        "D12",
        30,
        gettext_noop("Share of installations followed up"),
        30,
        100,
    ),
    _duration(
        "d12.followup_after",
        "D12",
        _hours(8),
        gettext_noop("A follow-up call is due this long (working hours) after the work is done"),
        "h",
        _hours(1),
        _hours(120),
    ),
    _duration(
        "d14.weekly_hours",
        "D14",
        _hours(40),
        gettext_noop("Working hours a week"),
        "h",
        _hours(1),
        _hours(60),
        T,
    ),
    _count("d14.days_off", "D14", 2, gettext_noop("Days off a week"), 1, 6, T),
    Row(
        "d14.meeting_weekday",
        "D14",
        "weekday",
        0,
        gettext_noop("Day of the weekly meeting"),
        0,
        6,
    ),
    _clock("d14.meeting_starts", "D14", time(8, 0), gettext_noop("The weekly meeting starts")),
    _clock("d14.meeting_ends", "D14", time(8, 30), gettext_noop("The weekly meeting ends")),
)

# Pairs that must hold together, whatever scope changed: (lower key, higher key, strict?, message)
ORDERINGS: tuple[tuple[str, str, bool, str], ...] = (
    (
        "b1.prep_min",
        "b1.prep_max",
        False,
        gettext_noop("The shortest preparation time cannot exceed the longest."),
    ),
    (
        "d1.opens",
        "d1.repair_cutoff",
        True,
        gettext_noop("The repair cut-off must come after opening time."),
    ),
    (
        "d1.repair_cutoff",
        "d1.closes",
        False,
        gettext_noop("The repair cut-off cannot come after closing time."),
    ),
    ("d1.opens", "d1.closes", True, gettext_noop("The centre must open before it closes.")),
    (
        "d4.desk_checks_min",
        "d4.desk_checks_max",
        False,
        gettext_noop("The fewest desk checks a day cannot exceed the most."),
    ),
    (
        "d14.meeting_starts",
        "d14.meeting_ends",
        True,
        gettext_noop("The meeting must start before it ends."),
    ),
    (
        "d6.urban_response",
        "d6.suburban_response",
        False,
        gettext_noop("Urban response limits cannot be longer than suburban ones."),
    ),
    (
        "d6.suburban_response",
        "d6.other_response",
        False,
        gettext_noop("Suburban response limits cannot be longer than those of other zones."),
    ),
)
