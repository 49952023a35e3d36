"""The rulebook's numbers as typed, validated settings.

Every bold number of POLICIES.md is a `Setting` here, with the id of its rule, its default,
its bounds and the scopes at which an operator may override it. Overrides are plain data
(`Override`), stored by the Django layer; `Rulebook.value()` is the one way to read a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal
from enum import StrEnum

from hotline.core.i18n import gettext_noop
from hotline.core.refusal import check_rule_id

Value = int | timedelta | time


class Scope(StrEnum):
    """Where an override applies, most specific first in `RESOLUTION_ORDER`."""

    DEPLOYMENT = "deployment"
    TEAM = "team"
    QUEUE = "queue"
    ZONE = "zone"
    CUSTOMER = "customer"


RESOLUTION_ORDER = (Scope.CUSTOMER, Scope.ZONE, Scope.QUEUE, Scope.TEAM, Scope.DEPLOYMENT)


class Kind(StrEnum):
    DURATION = "duration"  # stored as whole seconds, edited in the setting's unit
    COUNT = "count"
    PERCENT = "percent"
    CLOCK_TIME = "clock_time"  # a wall-clock time, "HH:MM"
    WEEKDAY = "weekday"  # Monday = 0


UNIT_SECONDS = {"s": 1, "min": 60, "h": 3600}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class SettingError(ValueError):
    """A value refused for a setting; `message` is a translatable template."""

    def __init__(self, key: str, message: str, **params: object) -> None:
        self.key = key
        self.message = message
        self.params = params
        super().__init__(f"{key}: {message % params if params else message}")


@dataclass(frozen=True)
class Setting:
    key: str
    rule: str
    kind: Kind
    default: Value
    label: str
    minimum: Value
    maximum: Value
    unit: str = ""
    scopes: frozenset[Scope] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        check_rule_id(self.rule)
        self.validate(self.default)

    def allows(self, scope: Scope) -> bool:
        return scope is Scope.DEPLOYMENT or scope in self.scopes

    def check_scope(self, scope: Scope) -> None:
        if not self.allows(scope):
            raise SettingError(
                self.key,
                gettext_noop("This setting cannot be set per %(scope)s."),
                scope=scope.value,
            )

    def validate(self, value: Value) -> Value:
        if not isinstance(value, type(self.default)) or isinstance(value, bool):
            raise SettingError(self.key, gettext_noop("The value has the wrong type."))
        if not self.minimum <= value <= self.maximum:  # type: ignore[operator]
            raise _out_of_bounds(self)
        return value

    def parse(self, raw: str) -> Value:
        """Read a value as an operator types it, in the setting's unit."""
        text = raw.strip()
        return self.validate(_PARSERS[self.kind](self, text))

    def display(self, value: Value) -> str:
        """The value as an operator types it back: the inverse of `parse`."""
        if isinstance(value, timedelta):
            return _display_duration(value, self.unit)
        if isinstance(value, time):
            return value.strftime("%H:%M")
        if self.kind is Kind.PERCENT:
            return f"{value} %"
        if self.kind is Kind.WEEKDAY:
            return WEEKDAYS[value]
        return str(value)

    def to_json(self, value: Value) -> int | str:
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return value

    def from_json(self, stored: object) -> Value:
        if self.kind is Kind.DURATION and isinstance(stored, int):
            return self.validate(timedelta(seconds=stored))
        if self.kind is Kind.CLOCK_TIME and isinstance(stored, str):
            return self.validate(_parse_clock(self, stored))
        if isinstance(stored, int):
            return self.validate(stored)
        raise SettingError(self.key, gettext_noop("The stored value cannot be read."))


def _display_duration(value: timedelta, unit: str) -> str:
    """In the setting's unit when that is exact, else in the next smaller unit that is."""
    seconds = int(value.total_seconds())
    units = [u for u, size in UNIT_SECONDS.items() if size <= UNIT_SECONDS[unit]]
    for candidate in reversed(units):
        whole, rest = divmod(seconds, UNIT_SECONDS[candidate])
        if rest == 0 or candidate == "s":
            return f"{whole} {candidate}"
    raise AssertionError("unreachable: seconds always divide")


# A number as an operator types it: digits, an optional sign and decimal part (comma or
# point). No exponents, infinities or NaN: float() reads those, and they overflow a timedelta.
_UNSIGNED = r"[0-9]+(?:[.,][0-9]+)?"
_NUMBER = rf"-?{_UNSIGNED}"


def _parse_number(setting: Setting, text: str) -> Decimal:
    """Exact, so that a huge or long number is compared with the bounds, never overflows."""
    if not re.fullmatch(_NUMBER, text):
        raise SettingError(setting.key, gettext_noop("Enter a number."))
    return Decimal(text.replace(",", "."))


def _out_of_bounds(setting: Setting) -> SettingError:
    return SettingError(
        setting.key,
        gettext_noop("The value must be between %(minimum)s and %(maximum)s."),
        minimum=setting.display(setting.minimum),
        maximum=setting.display(setting.maximum),
    )


def _in_range(setting: Setting, number: Decimal, lowest: Decimal, highest: Decimal) -> None:
    """Refuse a number outside the setting's bounds before it is turned into a value (a
    timedelta of 10^20 seconds, say, is an OverflowError rather than a refusal)."""
    if not lowest <= number <= highest:
        raise _out_of_bounds(setting)


def _parse_duration(setting: Setting, text: str) -> Value:
    match = re.fullmatch(rf"({_UNSIGNED})\s*(s|min|h)?", text)
    if not match:
        raise SettingError(
            setting.key,
            gettext_noop("Enter a duration such as %(example)s."),
            example=f"15 {setting.unit}",
        )
    unit = match.group(2) or setting.unit
    seconds = _parse_number(setting, match.group(1)) * UNIT_SECONDS[unit]
    if seconds != seconds.to_integral_value():
        raise SettingError(setting.key, gettext_noop("Durations are kept to the whole second."))
    assert isinstance(setting.minimum, timedelta)
    assert isinstance(setting.maximum, timedelta)
    lowest, highest = setting.minimum.total_seconds(), setting.maximum.total_seconds()
    _in_range(setting, seconds, Decimal(int(lowest)), Decimal(int(highest)))
    return timedelta(seconds=int(seconds))


def _parse_whole(setting: Setting, text: str) -> Value:
    number = _parse_number(setting, text.rstrip("% ").strip())
    if number != number.to_integral_value():
        raise SettingError(setting.key, gettext_noop("Enter a whole number."))
    assert isinstance(setting.minimum, int)
    assert isinstance(setting.maximum, int)
    _in_range(setting, number, Decimal(setting.minimum), Decimal(setting.maximum))
    return int(number)


def _parse_clock(setting: Setting, text: str) -> Value:
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", text)
    if not match:
        raise SettingError(setting.key, gettext_noop("Enter a time of day such as 08:30."))
    return time(int(match.group(1)), int(match.group(2)))


def _parse_weekday(setting: Setting, text: str) -> Value:
    name = text.lower()
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    return _parse_whole(setting, text)


_PARSERS = {
    Kind.DURATION: _parse_duration,
    Kind.COUNT: _parse_whole,
    Kind.PERCENT: _parse_whole,
    Kind.CLOCK_TIME: _parse_clock,
    Kind.WEEKDAY: _parse_weekday,
}


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
    *scopes: Scope,
) -> Setting:
    return Setting(key, rule, Kind.DURATION, default, label, lo, hi, unit, frozenset(scopes))


def _count(
    key: str, rule: str, default: int, label: str, lo: int, hi: int, *scopes: Scope
) -> Setting:
    return Setting(key, rule, Kind.COUNT, default, label, lo, hi, "", frozenset(scopes))


def _percent(
    key: str, rule: str, default: int, label: str, lo: int = 0, hi: int = 100, *scopes: Scope
) -> Setting:
    return Setting(key, rule, Kind.PERCENT, default, label, lo, hi, "%", frozenset(scopes))


def _clock(key: str, rule: str, default: time, label: str) -> Setting:
    return Setting(key, rule, Kind.CLOCK_TIME, default, label, time(0, 0), time(23, 59))


Q, T, Z, C = Scope.QUEUE, Scope.TEAM, Scope.ZONE, Scope.CUSTOMER

SETTINGS: tuple[Setting, ...] = (
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
    Setting(
        "d14.meeting_weekday",
        "D14",
        Kind.WEEKDAY,
        0,
        gettext_noop("Day of the weekly meeting"),
        0,
        6,
    ),
    _clock("d14.meeting_starts", "D14", time(8, 0), gettext_noop("The weekly meeting starts")),
    _clock("d14.meeting_ends", "D14", time(8, 30), gettext_noop("The weekly meeting ends")),
)

SETTINGS_BY_KEY: Mapping[str, Setting] = {s.key: s for s in SETTINGS}


def setting(key: str) -> Setting:
    try:
        return SETTINGS_BY_KEY[key]
    except KeyError:
        raise SettingError(key, gettext_noop("There is no such setting.")) from None


@dataclass(frozen=True)
class Override:
    key: str
    scope: Scope
    scope_ref: str  # the id of the team, queue, zone or customer; "" for the deployment
    value: Value


# Pairs that must hold together, whatever scope changed: (lower key, higher key, strict?, message)
_ORDERINGS: tuple[tuple[str, str, bool, str], ...] = (
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


class Rulebook:
    """The defaults of POLICIES.md with the operator's overrides laid over them."""

    def __init__(self, overrides: Iterable[Override] = ()) -> None:
        self._overrides: dict[tuple[str, Scope, str], Value] = {}
        for override in overrides:
            self._add(override)

    def _add(self, override: Override) -> None:
        found = setting(override.key)
        found.check_scope(override.scope)
        found.validate(override.value)
        self._overrides[(override.key, override.scope, override.scope_ref)] = override.value

    def value(self, key: str, **refs: object) -> Value:
        """The number in force for `key` where the scopes `refs` (team=, queue=, ...) apply."""
        found = setting(key)
        unknown = set(refs) - {s.value for s in Scope}
        if unknown:
            raise TypeError(f"unknown scopes {sorted(unknown)}")
        for scope in RESOLUTION_ORDER:
            ref = "" if scope is Scope.DEPLOYMENT else refs.get(scope.value)
            if ref is None or not found.allows(scope):
                continue
            hit = self._overrides.get((key, scope, str(ref)))
            if hit is not None:
                return hit
        return found.default

    def duration(self, key: str, **refs: object) -> timedelta:
        value = self.value(key, **refs)
        assert isinstance(value, timedelta), key
        return value

    def count(self, key: str, **refs: object) -> int:
        value = self.value(key, **refs)
        assert isinstance(value, int), key
        return value

    def clock(self, key: str, **refs: object) -> time:
        value = self.value(key, **refs)
        assert isinstance(value, time), key
        return value

    def with_override(self, override: Override) -> Rulebook:
        """A copy with one more override, checked for consistency (raises `SettingError`)."""
        copy = Rulebook()
        copy._overrides = dict(self._overrides)
        copy._add(override)
        copy.check_consistency(
            **{override.scope.value: override.scope_ref}
            if override.scope is not Scope.DEPLOYMENT
            else {}
        )
        return copy

    def check_consistency(self, **refs: object) -> None:
        for low, high, strict, message in _ORDERINGS:
            a, b = self.value(low, **refs), self.value(high, **refs)
            if a > b or (strict and a == b):  # type: ignore[operator]
                raise SettingError(low, message)
