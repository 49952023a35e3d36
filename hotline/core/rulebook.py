"""The rulebook's numbers as typed, validated settings.

Every bold number of POLICIES.md is a `Setting` here, with the id of its rule, its default,
its bounds and the scopes at which an operator may override it (the table itself is data, in
`rulebook_settings`). Overrides are plain data
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
from hotline.core.rulebook_settings import ORDERINGS, ROWS

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

# Each row of the table becomes a Setting, checked on import (`Setting.__post_init__`).
SETTINGS: tuple[Setting, ...] = tuple(
    Setting(
        row.key,
        row.rule,
        Kind(row.kind),
        row.default,
        row.label,
        row.minimum,
        row.maximum,
        row.unit,
        frozenset(Scope(s) for s in row.scopes),
    )
    for row in ROWS
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
        for low, high, strict, message in ORDERINGS:
            a, b = self.value(low, **refs), self.value(high, **refs)
            if a > b or (strict and a == b):  # type: ignore[operator]
                raise SettingError(low, message)
