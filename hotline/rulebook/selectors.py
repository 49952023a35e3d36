"""Reading the rulebook: `current_rulebook()` is the one way the running system gets its numbers."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hotline.core.calendar import BusinessCalendar
from hotline.core.rulebook import SETTINGS, Override, Rulebook, Scope, Setting, Value, setting
from hotline.formatting import setting_text
from hotline.rulebook.models import Calendar, RuleValue


def current_rulebook() -> Rulebook:
    """POLICIES.md defaults with every stored override, in one query.

    Not cached across requests on purpose: several processes share one database and an
    operator's change must hold everywhere at once. Hot paths take one Rulebook per decision.
    """
    return Rulebook(as_overrides(RuleValue.objects.all()))


def as_overrides(rows: Iterable[RuleValue]) -> list[Override]:
    return [
        Override(row.key, Scope(row.scope), row.scope_ref, setting(row.key).from_json(row.value))
        for row in rows
    ]


@dataclass(frozen=True)
class SettingRow:
    setting: Setting
    value: Value
    overrides: list[RuleValue]

    @property
    def is_default(self) -> bool:
        return self.value == self.setting.default

    @property
    def display(self) -> str:
        return setting_text(self.setting, self.value)

    @property
    def default_display(self) -> str:
        return setting_text(self.setting, self.setting.default)

    @property
    def scoped_display(self) -> list[dict[str, str]]:
        return [
            {
                "scope": o.scope,
                "ref": o.scope_ref,
                "value": setting_text(self.setting, self.setting.from_json(o.value)),
            }
            for o in self.overrides
        ]


def rulebook_rows() -> list[SettingRow]:
    """Every setting with the deployment value in force and its scoped overrides, for pages."""
    rulebook = current_rulebook()
    scoped: dict[str, list[RuleValue]] = {}
    for row in RuleValue.objects.exclude(scope=Scope.DEPLOYMENT):
        scoped.setdefault(row.key, []).append(row)
    return [SettingRow(s, rulebook.value(s.key), scoped.get(s.key, [])) for s in SETTINGS]


def business_calendar(calendar: Calendar, rulebook: Rulebook | None = None) -> BusinessCalendar:
    """The pure calendar of a site: its days and holidays, with the D1 opening hours in force."""
    rules = rulebook or current_rulebook()
    holidays: frozenset[date] = frozenset(calendar.holidays.values_list("day", flat=True))
    return BusinessCalendar(
        time_zone=calendar.time_zone,
        opens=rules.clock("d1.opens"),
        closes=rules.clock("d1.closes"),
        working_days=frozenset(calendar.working_days),
        holidays=holidays,
    )


def centre_calendar(rulebook: Rulebook | None = None) -> BusinessCalendar:
    """The calendar that case deadlines (D2, D4-D7, D11) count in: the first site's.

    Hotline runs one after-sales centre per deployment; with several sites the first one
    created is the centre that owns cases and dispatch.
    """
    calendar = Calendar.objects.filter(sites__isnull=False).order_by("sites__id").first()
    if calendar is None:
        calendar = Calendar.objects.order_by("id").first()
    if calendar is None:
        rules = rulebook or current_rulebook()
        return BusinessCalendar(
            "UTC", opens=rules.clock("d1.opens"), closes=rules.clock("d1.closes")
        )
    return business_calendar(calendar, rulebook)


def centre_time_zone() -> str:
    """The zone pages show times in: the one centre_calendar() counts in (the first site's
    calendar), read in one small query, since a page needs no holidays to show a time."""
    zone = (
        Calendar.objects.filter(sites__isnull=False)
        .order_by("sites__id")
        .values_list("time_zone", flat=True)
        .first()
    ) or Calendar.objects.order_by("id").values_list("time_zone", flat=True).first()
    return zone or "UTC"
