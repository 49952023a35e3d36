"""The setup page's steps, in the order a new centre is set up: each with what it is for, what
exists already, and how its form is saved (through the owning app's audited service)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline.accounts.centre import site_create, team_create
from hotline.accounts.models import Site, Team, User
from hotline.calls.models import Queue
from hotline.calls.services.queues import queue_create
from hotline.core.rulebook import Scope
from hotline.rulebook.calendars import calendar_create, calendar_days_set
from hotline.rulebook.selectors import current_rulebook, rulebook_rows
from hotline.rulebook.services import rule_value_set
from hotline.setup.forms import WEEKDAY_CHOICES, HoursForm, QueueForm, SiteForm, TeamForm

REASON = gettext_lazy("Set on the centre's setup page")


@dataclass(frozen=True)
class Step:
    slug: str
    title: str | Promise
    explanation: str | Promise
    form: type[forms.Form] | None  # None: the rulebook step, which uses the rulebook's form
    existing: Callable[[], list[list[str]]]  # rows of the table "what exists already"
    columns: tuple[str | Promise, ...]
    save: Callable[[forms.Form, User, datetime], None]
    initial: Callable[[], dict[str, Any]] = dict


def _days(days: list[int]) -> str:
    names = dict(WEEKDAY_CHOICES)
    return ", ".join(str(names[day]) for day in sorted(days))


def _sites() -> list[list[str]]:
    return [
        [site.name, site.calendar.time_zone, _days(site.calendar.working_days)]
        for site in Site.objects.select_related("calendar").order_by("name")
    ]


def _save_site(form: forms.Form, actor: User, now: datetime) -> None:
    data = form.cleaned_data
    with transaction.atomic():  # the calendar and its site together, or neither
        calendar = calendar_create(
            actor=actor,
            now=now,
            name=data["name"],
            time_zone=data["time_zone"],
            working_days=[0, 1, 2, 3, 4],  # the next step chooses them
        )
        site_create(actor=actor, now=now, name=data["name"], calendar=calendar)


def _hours() -> list[list[str]]:
    rules = current_rulebook()
    hours = f"{rules.clock('d1.opens'):%H:%M}–{rules.clock('d1.closes'):%H:%M}"
    return [[name, zone, days, hours] for name, zone, days in _sites()]


def _hours_initial() -> dict[str, Any]:
    """The newest site's days (the one being set up, most likely) and the hours in force."""
    rules = current_rulebook()
    newest = Site.objects.select_related("calendar").order_by("-pk").first()
    return {
        "calendar": newest.calendar_id if newest else None,
        "working_days": newest.calendar.working_days if newest else [0, 1, 2, 3, 4],
        "opens": rules.clock("d1.opens"),
        "closes": rules.clock("d1.closes"),
    }


def _save_hours(form: forms.Form, actor: User, now: datetime) -> None:
    data = form.cleaned_data
    with transaction.atomic():  # the days and both hours, or nothing
        calendar_days_set(
            actor=actor, now=now, calendar=data["calendar"], working_days=data["working_days"]
        )
        rules = current_rulebook()
        # Closing first when the centre opens later than it closes today, so that the two
        # numbers are never out of order in between (the rulebook checks D1's order).
        keys = ["d1.opens", "d1.closes"]
        if data["opens"] >= rules.clock("d1.closes"):
            keys.reverse()
        for key in keys:
            if rules.clock(key) != data[key.removeprefix("d1.")]:
                rule_value_set(
                    actor=actor,
                    now=now,
                    key=key,
                    raw=f"{data[key.removeprefix('d1.')]:%H:%M}",
                    reason=str(REASON),
                )


def _teams() -> list[list[str]]:
    return [
        [team.name, team.site.name] for team in Team.objects.select_related("site").order_by("name")
    ]


def _save_team(form: forms.Form, actor: User, now: datetime) -> None:
    data = form.cleaned_data
    team_create(actor=actor, now=now, name=data["name"], site=data["site"])


def _queues() -> list[list[str]]:
    return [
        [queue.code, queue.name, queue.team.name]
        for queue in Queue.objects.select_related("team").order_by("code")
    ]


def _save_queue(form: forms.Form, actor: User, now: datetime) -> None:
    data = form.cleaned_data
    queue_create(actor=actor, now=now, code=data["code"], name=data["name"], team=data["team"])


SCOPE_WORDS = {
    Scope.DEPLOYMENT: gettext_lazy("the whole centre"),
    Scope.TEAM: gettext_lazy("team %(name)s"),
    Scope.QUEUE: gettext_lazy("queue %(name)s"),
    Scope.ZONE: gettext_lazy("zone %(name)s"),
    Scope.CUSTOMER: gettext_lazy("customer %(name)s"),
}


def _numbers() -> list[list[str]]:
    """The numbers that differ from POLICIES.md: the deployment's and each scoped one."""
    rows = []
    for row in rulebook_rows():
        setting_name = _(row.setting.label)
        label = f"{row.setting.rule} {setting_name}"
        if not row.is_default:
            rows.append(
                [label, str(SCOPE_WORDS[Scope.DEPLOYMENT]), row.display, row.default_display]
            )
        rows += [
            [
                label,
                str(SCOPE_WORDS[Scope(o["scope"])]) % {"name": o["ref"]},
                o["value"],
                row.default_display,
            ]
            for o in row.scoped_display
        ]
    return rows


def _save_number(form: forms.Form, actor: User, now: datetime) -> None:
    data = form.cleaned_data
    rule_value_set(
        actor=actor,
        now=now,
        key=form.setting.key,  # type: ignore[attr-defined]
        raw=data["value"],
        scope=Scope(data["scope"]),
        scope_ref=data["scope_ref"],
        reason=data["reason"],
    )


STEPS: tuple[Step, ...] = (
    Step(
        "site",
        gettext_lazy("Site and time zone"),
        gettext_lazy(
            "A site is where a team works. Its time zone is the one its agents' desks, shifts "
            "and day totals count in: choose the city the site is in."
        ),
        SiteForm,
        _sites,
        (gettext_lazy("Site"), gettext_lazy("Time zone"), gettext_lazy("Open on")),
        _save_site,
    ),
    Step(
        "hours",
        gettext_lazy("Opening hours"),
        gettext_lazy(
            "The days each site is open, and the centre's opening hours (rule D1): cases, "
            "work orders and callbacks count their deadlines in these hours only. The hours "
            "hold for every site; the days are each site's."
        ),
        HoursForm,
        _hours,
        (
            gettext_lazy("Site"),
            gettext_lazy("Time zone"),
            gettext_lazy("Open on"),
            gettext_lazy("Hours"),
        ),
        _save_hours,
        _hours_initial,
    ),
    Step(
        "teams",
        gettext_lazy("Teams"),
        gettext_lazy(
            "A team of agents and its team lead, at one site. Agents join a team by the people "
            "import or in the configuration."
        ),
        TeamForm,
        _teams,
        (gettext_lazy("Team"), gettext_lazy("Site")),
        _save_team,
    ),
    Step(
        "queues",
        gettext_lazy("Queues"),
        gettext_lazy(
            "A line customers call into, answered by one team. The telephone exchange names "
            "it by its code."
        ),
        QueueForm,
        _queues,
        (gettext_lazy("Code"), gettext_lazy("Queue"), gettext_lazy("Team")),
        _save_queue,
    ),
    Step(
        "rulebook",
        gettext_lazy("Rulebook numbers"),
        gettext_lazy(
            "Every number of the rulebook has a default (POLICIES.md). Set here only those "
            "that differ in this centre, for the whole centre or one team, queue, zone or "
            "customer; each change is audited with its reason."
        ),
        None,
        _numbers,
        (
            gettext_lazy("Number"),
            gettext_lazy("Applies to"),
            gettext_lazy("Value"),
            gettext_lazy("Default"),
        ),
        _save_number,
    ),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
