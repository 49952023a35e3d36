"""From the database to hotline.wfm and back: rulebook numbers, calendar, leave, call history.

Reads only; the services in services.py store. Times in hotline.wfm are minutes after local
midnight of the team's site, day 0 a Monday.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.audit.models import Event
from hotline.calls.events import CallAction, CallsEntity
from hotline.calls.models import Call, Queue
from hotline.calls.selectors import SERVICE_LEVEL_THRESHOLD
from hotline.core.breaks import BreakLimits
from hotline.core.rulebook import Rulebook
from hotline.rulebook.selectors import business_calendar, current_rulebook
from hotline.wfm import check as wfm_check
from hotline.wfm.forecast import Forecast, forecast, weekly_counts
from hotline.wfm.roster import WEEK, Agent, Break, RosterProblem, RosterRules
from hotline.wfm.roster import Shift as PlannedShift
from hotline.wfm.staffing import Staffing, Targets, staff
from hotline.workforce.models import HistoricCall, LeaveRequest, LeaveState, Roster, Shift

# Weeks of call history the forecast learns from, and of them held out to measure its error.
HISTORY_WEEKS = 8
HOLDOUT_WEEKS = 1
# Staffing targets the rulebook does not state: 80 % answered in 20 s (the KPI definition),
# 95 % of callers within the A2 maximum wait, agents busy at most 85 % of their phone time.
# Breaks are placed by the roster itself, so no shrinkage is added for them here.
SERVICE_LEVEL = 0.8
A2_SHARE = 0.95
MAX_OCCUPANCY = 0.85


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _whole_minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


def roster_rules(team: Team, rulebook: Rulebook | None = None) -> RosterRules:
    """The rulebook's D1/D14/B1/B2/B4 numbers for `team`, as hotline.wfm takes them.

    Each is read at every scope the rulebook lets it be set (these: the team, else the centre).
    B4 is the floor's own resolution (hotline.core.breaks): a share of the team when one is
    set, else the count, so the roster staggers breaks as the floor will allow them."""
    r = rulebook or current_rulebook()
    t = team.pk
    b4 = BreakLimits.for_team(
        r, team_id=t, team_size=len(rostered_agents(team)), queue_ids=frozenset()
    )
    meeting = r.value("d14.meeting_weekday")
    return RosterRules(
        opens=_minutes(r.clock("d1.opens")),
        closes=_minutes(r.clock("d1.closes")),
        weekly_minutes=_whole_minutes(r.duration("d14.weekly_hours", team=t)),
        days_off=r.count("d14.days_off", team=t),
        meeting_weekday=meeting if isinstance(meeting, int) else None,
        meeting_starts=_minutes(r.clock("d14.meeting_starts")),
        meeting_ends=_minutes(r.clock("d14.meeting_ends")),
        prep_min=_whole_minutes(r.duration("b1.prep_min", team=t)),
        prep_max=_whole_minutes(r.duration("b1.prep_max", team=t)),
        short_breaks=r.count("b2.short_breaks_per_day", team=t),
        short_break=_whole_minutes(r.duration("b2.short_break_length", team=t)),
        lunches=r.count("b2.lunches_per_day", team=t),
        lunch=_whole_minutes(r.duration("b2.lunch_length", team=t)),
        max_on_break=b4.max_on_break,
    )


def team_zone(team: Team) -> ZoneInfo:
    return ZoneInfo(team.site.calendar.time_zone)


def open_days(team: Team, first_monday: date, weeks: int) -> tuple[bool, ...]:
    calendar = business_calendar(team.site.calendar)
    return tuple(
        calendar.is_working_day(first_monday + timedelta(days=d)) for d in range(weeks * WEEK)
    )


def rostered_agents(team: Team) -> list[User]:
    return list(
        User.objects.filter(team=team, role=Role.AGENT, is_active=True).order_by("username")
    )


def approved_leave(agents: Iterable[User], first_monday: date, weeks: int) -> dict[int, set[int]]:
    """Days of the horizon with approved leave, per agent id (D14)."""
    last = first_monday + timedelta(days=weeks * WEEK - 1)
    days: dict[int, set[int]] = {}
    for leave in LeaveRequest.objects.filter(
        agent__in=list(agents),
        state=LeaveState.APPROVED,
        first_day__lte=last,
        last_day__gte=first_monday,
    ):
        day = max(leave.first_day, first_monday)
        while day <= min(leave.last_day, last):
            days.setdefault(leave.agent_id, set()).add((day - first_monday).days)
            day += timedelta(days=1)
    return days


def call_arrivals(team: Team, since: datetime, until: datetime) -> list[datetime]:
    """Arrival times of the team's queues' calls, local: the exchange's history imported for the
    time before the floor's first call (HistoricCall), then the floor's "arrived" events."""
    first_live = (
        Call.objects.filter(queue__team=team)
        .order_by("arrived_at")
        .values_list("arrived_at", flat=True)
    ).first()
    zone = team_zone(team)
    history_until = min(until, first_live) if first_live else until
    found = [
        at.astimezone(zone).replace(tzinfo=None)
        for at in HistoricCall.objects.filter(
            queue__team=team, arrived_at__gte=since, arrived_at__lt=history_until
        ).values_list("arrived_at", flat=True)
    ]
    return found + _floor_arrivals(team, since, until)


def _floor_arrivals(team: Team, since: datetime, until: datetime) -> list[datetime]:
    """Arrival times of the team's queues' calls, from the floor's "arrived" events, local."""
    ids = [
        str(pk)
        for pk in Call.objects.filter(
            queue__team=team, arrived_at__gte=since, arrived_at__lt=until
        ).values_list("pk", flat=True)
    ]
    zone = team_zone(team)
    found: list[datetime] = []
    for chunk in range(0, len(ids), 500):
        found.extend(
            at.astimezone(zone).replace(tzinfo=None)
            for at in Event.objects.filter(
                entity=CallsEntity.CALL,
                action=CallAction.ARRIVED,
                entity_id__in=ids[chunk : chunk + 500],
            ).values_list("at", flat=True)
        )
    return found


def handle_seconds(team: Team) -> float:
    estimates = [q.handle_time_estimate.total_seconds() for q in Queue.objects.filter(team=team)]
    return sum(estimates) / len(estimates) if estimates else 300.0


def team_max_wait(team: Team, rulebook: Rulebook | None = None) -> timedelta:
    """A2 for a team's forecast: the shortest maximum wait of its queues (each read queue >
    centre, the scopes A2 accepts), the centre's when it has none. The team's queues share
    its agents, so every caller waits alike: staffing for the strictest queue keeps them all."""
    r = rulebook or current_rulebook()
    waits = [
        r.duration("a2.max_wait", queue=q, team=team.pk)
        for q in Queue.objects.filter(team=team).values_list("pk", flat=True)
    ]
    return min(waits, default=r.duration("a2.max_wait", team=team.pk))


def targets(team: Team, rulebook: Rulebook | None = None) -> Targets:
    return Targets(
        service_level=SERVICE_LEVEL,
        answer_within=SERVICE_LEVEL_THRESHOLD.total_seconds(),
        max_wait=team_max_wait(team, rulebook).total_seconds(),
        max_wait_share=A2_SHARE,
        max_occupancy=MAX_OCCUPANCY,
    )


@dataclass(frozen=True)
class TeamForecast:
    team: Team
    first_monday: date
    weeks: int
    slot: int  # minutes per interval
    forecast: Forecast  # calls: (weeks, intervals in a week)
    staffing: list[Staffing]  # one per week
    aht: float
    max_wait: float  # s, the A2 maximum wait the staffing keeps (team_max_wait)


def team_forecast(team: Team, first_monday: date, weeks: int, slot: int = 15) -> TeamForecast:
    """Calls per interval for the weeks from `first_monday`, learnt from the weeks before it,
    and the agents each interval needs (Erlang C against the targets, A2 the team's queues')."""
    zone = team_zone(team)
    start = first_monday - timedelta(weeks=HISTORY_WEEKS)
    since = datetime.combine(start, time(0), zone)
    until = datetime.combine(first_monday, time(0), zone)
    history = weekly_counts(call_arrivals(team, since, until), start, HISTORY_WEEKS, slot)
    predicted = forecast(history, ahead=weeks, holdout_weeks=HOLDOUT_WEEKS)
    aht = handle_seconds(team)
    goal = targets(team)
    staffing = [staff(row, aht, slot * 60.0, goal) for row in predicted.calls]
    return TeamForecast(
        team, first_monday, weeks, slot, predicted, staffing, aht, goal.max_wait or 0.0
    )


def required_per_day(plan: TeamForecast, rules: RosterRules) -> tuple[tuple[int, ...], ...]:
    """Agents wanted on the phones per day and slot, from opening to closing (hotline.wfm)."""
    per_day = 24 * 60 // plan.slot
    rows = []
    for week in plan.staffing:
        for day in range(WEEK):
            day_row = week.scheduled[day * per_day : (day + 1) * per_day]
            rows.append(
                tuple(int(n) for n in day_row[rules.opens // plan.slot : rules.closes // plan.slot])
            )
    return tuple(rows)


# --- a stored roster as hotline.wfm sees it ------------------------------------------------------


def problem_for(roster: Roster) -> RosterProblem:
    """The problem the roster was generated for, from what was stored with it."""
    f: dict[str, Any] = roster.figures
    leave = {int(k): set(v) for k, v in f.get("leave", {}).items()}
    agents = tuple(
        Agent(str(pk), str(roster.team_id), frozenset(leave.get(pk, set())))
        for pk in f.get("agents", [])
    )
    return RosterProblem(
        weeks=roster.weeks,
        agents=agents,
        required=tuple(tuple(row) for row in roster.required),
        open_days=tuple(f.get("open_days", [])),
        rules=RosterRules(**f.get("rules", {})),
    )


def planned(shift: Shift, first_monday: date) -> PlannedShift:
    return PlannedShift(
        agent=str(shift.agent_id),
        day=(shift.day - first_monday).days,
        prep_start=shift.prep_start,
        start=shift.start,
        end=shift.end,
        breaks=tuple(Break(b["kind"], int(b["start"]), int(b["end"])) for b in shift.breaks),
        meeting=shift.meeting,
    )


def violations(roster: Roster, shifts: Iterable[Shift]) -> list[wfm_check.Violation]:
    """The independent checker (hotline.wfm.check) on stored shifts."""
    return wfm_check.check(problem_for(roster), [planned(s, roster.first_monday) for s in shifts])


def problem_figures(problem: RosterProblem, agent_ids: list[int]) -> dict[str, Any]:
    return {
        "agents": agent_ids,
        "leave": {str(a.id): sorted(a.leave) for a in problem.agents if a.leave},
        "open_days": list(problem.open_days),
        "rules": asdict(problem.rules),
    }


def forecast_json(plan: TeamForecast) -> dict[str, Any]:
    return {
        "team": plan.team.name,
        "first_monday": plan.first_monday.isoformat(),
        "weeks": plan.weeks,
        "interval_minutes": plan.slot,
        "aht_seconds": plan.aht,
        "max_wait_seconds": plan.max_wait,
        "holdout_wape": plan.forecast.holdout_wape,
        "holdout_mape": plan.forecast.holdout_mape,
        "baseline_wape": plan.forecast.baseline_wape,
        "calls": [np.round(row, 3).tolist() for row in plan.forecast.calls],
        "agents": [s.agents.tolist() for s in plan.staffing],
        "scheduled": [s.scheduled.tolist() for s in plan.staffing],
    }
