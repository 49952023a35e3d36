"""What the workforce pages show, scoped by the acting user: a team lead sees their own team,
the manager and the admin every team, an agent only their own leave."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.audit.models import Event
from hotline.calls.day_plan import DayPlan, PlannedBreak
from hotline.calls.events import LATE_SECONDS, AgentAction, CallsEntity
from hotline.calls.models import AgentSession
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.axis import axis_ticks
from hotline.wfm.check import phones_by_minute
from hotline.workforce import planning
from hotline.workforce.adherence import DayAdherence, PlannedDay, activity, adherent, day_adherence
from hotline.workforce.models import LeaveRequest, LeaveState, Roster, RosterState, Shift
from hotline.workforce.templatetags.workforce import ACTIVITIES


def teams_for(user: User) -> QuerySet[Team]:
    if user.role in (Role.MANAGER, Role.ADMIN):
        return Team.objects.order_by("name")
    return Team.objects.filter(pk=user.team_id or 0)


def rosters_for(user: User) -> QuerySet[Roster]:
    return Roster.objects.filter(team__in=teams_for(user)).select_related("team")


def roster_for(user: User, roster_id: int) -> Roster:
    """Raises Roster.DoesNotExist for another team's roster (a 404, no leak)."""
    return rosters_for(user).get(pk=roster_id)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class GridRow:
    agent: User
    cells: list[Shift | None]  # one per day of the week


def roster_grid(roster: Roster, week: int) -> tuple[list[date], list[GridRow]]:
    days = [roster.first_monday + timedelta(days=week * 7 + d) for d in range(7)]
    shifts = {
        (s.agent_id, s.day): s
        for s in roster.shifts.filter(day__gte=days[0], day__lte=days[-1]).select_related("agent")
    }
    agent_ids = roster.figures.get("agents", [])
    agents = {u.pk: u for u in User.objects.filter(pk__in=agent_ids)}
    rows = [
        GridRow(agents[pk], [shifts.get((pk, d)) for d in days]) for pk in agent_ids if pk in agents
    ]
    return days, rows


@dataclass(frozen=True)
class StaffingChart:
    labels: list[str]  # HH:MM per interval, opening to closing
    forecast: list[float]  # calls
    required: list[int]  # agents on the phones
    scheduled: list[int]
    holdout_wape: float
    baseline_wape: float
    max_wait: timedelta  # A2 as the staffing keeps it: the strictest of the team's queues


def staffing_chart(roster: Roster, day: int) -> StaffingChart:
    """Forecast calls, agents required and agents scheduled per interval of one day."""
    problem = planning.problem_for(roster)
    rules = problem.rules
    plan = planning.team_forecast(roster.team, roster.first_monday, roster.weeks, rules.slot)
    per_day = 24 * 60 // rules.slot
    first, last = rules.opens // rules.slot, rules.closes // rules.slot
    week, weekday = divmod(day, 7)
    calls = plan.forecast.calls[week, weekday * per_day : (weekday + 1) * per_day][first:last]
    on = phones_by_minute(
        problem, [planning.planned(s, roster.first_monday) for s in roster.shifts.all()]
    ).get(day, [0] * 24 * 60)
    return StaffingChart(
        labels=[hhmm(i * rules.slot) for i in range(first, last)],
        forecast=[round(float(c), 2) for c in calls],
        required=list(roster.required[day]) if day < len(roster.required) else [],
        scheduled=[on[i * rules.slot] for i in range(first, last)],
        holdout_wape=plan.forecast.holdout_wape,
        baseline_wape=plan.forecast.baseline_wape,
        max_wait=timedelta(seconds=plan.max_wait),
    )


# Room around the plot for the axes: agents on the left, calls on the right, hours below.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 56, 10, 24


def chart_svg(chart: StaffingChart, width: int = 720, height: int = 240) -> dict[str, Any]:
    """Coordinates for the inline SVG: bars of forecast calls against the right-hand axis,
    lines of agents required and scheduled against the left-hand one (issue 17: the chart had
    no axis; on one shared scale a busy day's calls flattened the agents' lines)."""
    n = max(len(chart.labels), 1)
    agents = axis_ticks(max([0, *chart.required, *chart.scheduled]), whole=True)
    calls = axis_ticks(max([0.0, *chart.forecast]))
    left, right = PLOT_LEFT, width - PLOT_RIGHT
    bottom = height - PLOT_BOTTOM
    plot_h = bottom - PLOT_TOP
    step = (right - left) / n

    def y(value: float, ticks: list[float]) -> float:
        return round(bottom - value / ticks[-1] * plot_h, 1)

    def line(values: list[int]) -> str:
        return " ".join(
            f"{round(left + i * step + step / 2, 1)},{y(v, agents)}" for i, v in enumerate(values)
        )

    return {
        "width": width,
        "height": height,
        "left": left,
        "right": right,
        "top": PLOT_TOP,
        "bottom": bottom,
        "middle": round(PLOT_TOP + plot_h / 2, 1),
        "bars": [
            {
                "x": round(left + i * step + 1, 1),
                "y": y(c, calls),
                "h": round(bottom - y(c, calls), 1),
                "w": round(step - 2, 1),
                "label": chart.labels[i],
                "calls": c,
            }
            for i, c in enumerate(chart.forecast)
        ],
        "required": line(chart.required),
        "scheduled": line(chart.scheduled),
        "agent_ticks": [{"y": y(t, agents), "label": f"{t:g}"} for t in agents],
        "call_ticks": [{"y": y(t, calls), "label": f"{t:g}"} for t in calls],
        "ticks": [
            {"x": round(left + i * step, 1), "label": label}
            for i, label in enumerate(chart.labels)
            if label.endswith(":00")
        ],
    }


# --- leave ---------------------------------------------------------------------------------------


def own_leave(user: User) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(agent=user).select_related("decided_by")


def leave_to_decide(user: User) -> QuerySet[LeaveRequest]:
    """D14: the asked leave of the team lead's own team (others decide nothing)."""
    if user.role != Role.TEAM_LEAD or user.team_id is None:
        return LeaveRequest.objects.none()
    return (
        LeaveRequest.objects.filter(agent__team=user.team_id, state=LeaveState.ASKED)
        .exclude(agent=user)
        .select_related("agent")
        .order_by("first_day")
    )


def leave_visible(user: User, leave_id: int) -> LeaveRequest:
    return leave_to_decide(user).get(pk=leave_id)


# --- adherence -----------------------------------------------------------------------------------


def _instant(day: date, minutes: int, zone: Any) -> datetime:
    return datetime.combine(day, time(0), zone) + timedelta(minutes=minutes)


def planned_day(shift: Shift | None, zone: Any) -> PlannedDay | None:
    if shift is None:
        return None
    d = shift.day
    return PlannedDay(
        prep_start=_instant(d, shift.prep_start, zone),
        start=_instant(d, shift.start, zone),
        end=_instant(d, shift.end, zone),
        breaks=tuple(
            (b["kind"], _instant(d, b["start"], zone), _instant(d, b["end"], zone))
            for b in shift.breaks
        ),
    )


@dataclass(frozen=True)
class AdherenceRow:
    agent: User
    shift: Shift | None
    expected: str  # what the roster says now
    state: str  # the live state
    in_adherence: bool
    day: DayAdherence
    late_seconds: int | None  # B1: the day's first "ready" against the shift start


def team_adherence(team: Team, day: date, now: datetime) -> list[AdherenceRow]:
    """Each agent of the team: live state against the published roster now, and the day's
    adherence and conformance from the floor's state events up to now."""
    zone = planning.team_zone(team)
    day_start = datetime.combine(day, time(0), zone)
    day_end = min(day_start + timedelta(days=1), max(now, day_start))
    agents = planning.rostered_agents(team)
    shifts = {
        s.agent_id: s
        for s in Shift.objects.filter(
            roster__team=team, roster__state=RosterState.PUBLISHED, day=day
        )
    }
    sessions = {s.agent_id: s for s in AgentSession.objects.filter(team=team)}
    transitions = Event.objects.filter(
        entity=CallsEntity.AGENT,
        entity_id__in=[str(a.pk) for a in agents],
        action__in=[e.value for e in AgentEvent],
    )
    late = {
        int(e.entity_id): int((e.new or {}).get(LATE_SECONDS, 0))
        for e in Event.objects.filter(
            entity=CallsEntity.AGENT,
            action=AgentAction.FIRST_READY,
            at__gte=day_start,
            at__lt=day_end,
        )
    }
    rows = []
    for agent in agents:
        mine = transitions.filter(entity_id=str(agent.pk))
        prior = mine.filter(at__lt=day_start).order_by("-at", "-id").first()
        before = str(prior.new) if prior is not None else AgentState.LOGGED_OUT
        changes = [
            (at, str(new))
            for at, new in mine.filter(at__gte=day_start, at__lt=day_end)
            .order_by("at", "id")
            .values_list("at", "new")
        ]
        plan = planned_day(shifts.get(agent.pk), zone)
        session = sessions.get(agent.pk)
        state = session.state if session is not None else AgentState.LOGGED_OUT
        expected = activity(plan, now)
        rows.append(
            AdherenceRow(
                agent=agent,
                shift=shifts.get(agent.pk),
                expected=expected,
                state=state,
                in_adherence=adherent(expected, state),
                day=day_adherence(plan, changes, before, day_start, day_end),
                late_seconds=late.get(agent.pk),
            )
        )
    return rows


def rostered_shift_start(agent: User, day: date) -> datetime | None:
    """B1: when the agent's published shift takes its first call on `day` (local), if any.

    For the floor (hotline.calls.services.agents.shift_start), which until rosters existed
    took the site's opening time."""
    if agent.team is None:
        return None
    shift = (
        Shift.objects.filter(agent=agent, day=day, roster__state=RosterState.PUBLISHED)
        .only("start")
        .first()
    )
    if shift is None:
        return None
    return _instant(day, shift.start, planning.team_zone(agent.team))


def desk_day_plan(agent: User, day: date) -> DayPlan | None:
    """The agent's own published shift on `day` (local), for their desk (calls.day_plan):
    times in the team's site zone, planned breaks named in the reader's language."""
    if agent.team is None:
        return None
    shift = Shift.objects.filter(agent=agent, day=day, roster__state=RosterState.PUBLISHED).first()
    plan = planned_day(shift, planning.team_zone(agent.team))
    if shift is None or plan is None:
        return None
    return DayPlan(
        prep_start=plan.prep_start,
        start=plan.start,
        end=plan.end,
        breaks=tuple(
            PlannedBreak(label=str(ACTIVITIES.get(kind, kind)), start=start, end=end)
            for kind, start, end in plan.breaks
        ),
        meeting=shift.meeting,
    )
