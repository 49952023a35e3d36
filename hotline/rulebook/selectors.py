"""Reading the rulebook: `current_rulebook()` is the one way the running system gets its numbers."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from hotline.core.calendar import BusinessCalendar
from hotline.core.rulebook import SETTINGS, Override, Rulebook, Scope, Setting, Value, setting
from hotline.directory.choices import Zone
from hotline.formatting import setting_text
from hotline.rulebook.models import Calendar, RuleValue
from hotline.rulebook.scopes import registered_scopes, scope_model_of


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
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # see scope_labels

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
                "ref": self.names.get((o.scope, o.scope_ref), o.scope_ref),
                "value": setting_text(self.setting, self.setting.from_json(o.value)),
            }
            for o in self.overrides
        ]


def rulebook_rows() -> list[SettingRow]:
    """Every setting with the deployment value in force and its scoped overrides, for pages."""
    rulebook = current_rulebook()
    scoped: dict[str, list[RuleValue]] = {}
    rows = list(RuleValue.objects.exclude(scope=Scope.DEPLOYMENT))
    for row in rows:
        scoped.setdefault(row.key, []).append(row)
    names = scope_labels(rows)
    return [SettingRow(s, rulebook.value(s.key), scoped.get(s.key, []), names) for s in SETTINGS]


@dataclass(frozen=True)
class ScopeChoice:
    """Something a rulebook number may be set for: `name` is what an operator types (the
    team's name, the queue's code, the zone, the customer's id), `ref` what is stored."""

    scope: Scope
    name: str
    ref: str
    label: str


def scope_choices(scope: Scope, search: str = "", limit: int = 50) -> list[ScopeChoice]:
    """The teams, queues, zones or customers a number may be set for, `limit` at most (there
    may be many customers: `search` narrows them by name or id)."""
    text = search.strip()
    if scope is Scope.ZONE:
        zones = [ScopeChoice(scope, z.value, z.value, str(z.label)) for z in Zone]
        return [z for z in zones if text.lower() in z.name][:limit]
    if scope in registered_scopes():
        spec = scope_model_of(scope)
        return [
            ScopeChoice(scope, spec.name_of(row), str(row.pk), str(getattr(row, spec.label_field)))
            for row in spec.matching(text)[:limit]
        ]
    return [ScopeChoice(scope, "", "", "")]


def scope_labels(rows: Iterable[RuleValue]) -> dict[tuple[str, str], str]:
    """What each scoped override applies to, as operators name it: {(scope, ref): name}."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        wanted.setdefault(row.scope, set()).add(row.scope_ref)
    names = {(Scope.ZONE.value, ref): ref for ref in wanted.get(Scope.ZONE, ())}
    for scope, spec in registered_scopes().items():
        refs = [int(ref) for ref in wanted.get(scope, ()) if ref.isdigit()]
        column = spec.name_field or "pk"  # the team's name, the queue's code, the customer's id
        for pk, name in spec.model._default_manager.filter(pk__in=refs).values_list("pk", column):
            names[(scope.value, str(pk))] = str(name)
    return names


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
