"""The wallboard's day so far, per interval of `INTERVAL`: calls that came in, their service
level, agents staffed, and the workforce plan's forecast calls and agents required.

The plan is the workforce app's (forecast and Erlang staffing), an app above the floor: it
registers its source in its AppConfig.ready() (`intraday_plan_source`), so calls imports none of
it. Without one the chart shows the day's own figures only.

Times are the team's site's zone, the zone its day is counted in.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.accounts.models import Team
from hotline.audit.models import Event
from hotline.calls.events import CallsEntity
from hotline.calls.figures import SERVICE_LEVEL_THRESHOLD, SHORT_ABANDON
from hotline.calls.models import AgentSession
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.kpi import CallRecord, resolved_offers, service_level_strict
from hotline.core.rulebook import Rulebook

INTERVAL = timedelta(minutes=30)


@dataclass(frozen=True)
class PlanSlot:
    """One interval of the workforce plan for a day: its start (aware), its length, the calls
    forecast in it and the agents required on the phones."""

    start: datetime
    length: timedelta
    forecast_calls: float
    required_agents: int


# (team, local day) -> the plan's slots of that day, [] when there is none.
IntradayPlanSource = Callable[[Team, date], list[PlanSlot]]
_plan_sources: list[IntradayPlanSource] = []


def intraday_plan_source(source: IntradayPlanSource) -> None:
    """Let `source` give the wallboard a team's forecast and required agents for a day."""
    if source not in _plan_sources:
        _plan_sources.append(source)


def _plan(team: Team, day: date) -> list[PlanSlot]:
    for source in _plan_sources:
        found = source(team, day)
        if found:
            return found
    return []


@dataclass(frozen=True)
class Interval:
    start: datetime  # local, in the team's zone
    calls: int  # calls that entered the team's queues in it (each queue stay counted)
    service_level: float | None  # strict, of those calls
    resolved: int
    staffed: float | None  # mean agents logged in over it (so far); None: still to come
    forecast: float | None  # the plan's calls; None without a plan
    required: int | None  # the plan's agents required (the highest of its slots in it)

    @property
    def end(self) -> datetime:
        return self.start + INTERVAL


@dataclass(frozen=True)
class Intraday:
    zone: ZoneInfo
    intervals: list[Interval]
    target: int  # the team's service level target, per cent
    has_plan: bool


def _day_bounds(rules: Rulebook, zone: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    """The centre's opening hours that day (D1), whole intervals."""
    opens = datetime.combine(day, rules.clock("d1.opens"), zone)
    closes = datetime.combine(day, rules.clock("d1.closes"), zone)
    return _floor(opens), _ceil(closes)


def _floor(moment: datetime) -> datetime:
    minutes = moment.hour * 60 + moment.minute
    step = int(INTERVAL.total_seconds() // 60)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        minutes=minutes - minutes % step
    )


def _ceil(moment: datetime) -> datetime:
    floored = _floor(moment)
    return floored if floored == moment else floored + INTERVAL


def intraday(
    rules: Rulebook,
    team: Team,
    zone: ZoneInfo,
    now: datetime,
    legs: list[tuple[int, CallRecord]],
    target: int,
) -> Intraday:
    """Today's intervals from opening to closing (widened to any call outside them, and to now)."""
    local_now = now.astimezone(zone)
    day = local_now.date()
    first, last = _day_bounds(rules, zone, day)
    arrivals = [record.arrived_at.astimezone(zone) for _, record in legs]
    first = min([first, *(_floor(a) for a in arrivals)])
    last = max([last, _ceil(local_now), *(_floor(a) + INTERVAL for a in arrivals)])
    last = min(last, datetime.combine(day + timedelta(days=1), time(0), zone))
    first = max(first, datetime.combine(day, time(0), zone))
    starts = []
    moment = first
    while moment < last:
        starts.append(moment)
        moment = (moment.astimezone(ZoneInfo("UTC")) + INTERVAL).astimezone(zone)
    by_interval: dict[datetime, list[CallRecord]] = defaultdict(list)
    for _, record in legs:
        by_interval[_floor(record.arrived_at.astimezone(zone))].append(record)
    staffed = _staffed(team, starts, now)
    plan = _plan(team, day)
    rows = []
    for start in starts:
        records = by_interval.get(start, [])
        forecast, required = _plan_in(plan, start)
        rows.append(
            Interval(
                start=start,
                calls=len(records),
                service_level=service_level_strict(records, SERVICE_LEVEL_THRESHOLD, SHORT_ABANDON),
                resolved=resolved_offers(records, SHORT_ABANDON),
                staffed=staffed.get(start),
                forecast=forecast,
                required=required,
            )
        )
    return Intraday(zone, rows, target, bool(plan))


def _plan_in(plan: list[PlanSlot], start: datetime) -> tuple[float | None, int | None]:
    inside = [s for s in plan if start <= s.start < start + INTERVAL]
    if not inside:
        return None, None
    return round(sum(s.forecast_calls for s in inside), 1), max(s.required_agents for s in inside)


def _staffed(team: Team, starts: list[datetime], now: datetime) -> dict[datetime, float]:
    """Mean agents logged in over each interval up to `now`, from the agents' state events."""
    if not starts:
        return {}
    begin = starts[0]
    agent_ids = [
        str(pk) for pk in AgentSession.objects.filter(team=team).values_list("agent_id", flat=True)
    ]
    transitions = Event.objects.filter(
        entity=CallsEntity.AGENT,
        entity_id__in=agent_ids,
        action__in=[e.value for e in AgentEvent],
    )
    spans: list[tuple[datetime, datetime]] = []
    open_since: dict[str, datetime] = {}
    for agent_id in agent_ids:  # the state each agent was in when the day's chart begins
        before = transitions.filter(entity_id=agent_id, at__lt=begin).order_by("-at", "-id").first()
        if before is not None and str(before.new) != AgentState.LOGGED_OUT:
            open_since[agent_id] = begin
    for event in transitions.filter(at__gte=begin, at__lt=now).order_by("at", "id"):
        logged_out = str(event.new) == AgentState.LOGGED_OUT
        if logged_out and event.entity_id in open_since:
            spans.append((open_since.pop(event.entity_id), event.at))
        elif not logged_out and event.entity_id not in open_since:
            open_since[event.entity_id] = event.at
    spans += [(since, now) for since in open_since.values()]
    found: dict[datetime, float] = {}
    for start in starts:
        if start >= now:
            break
        end = min(start + INTERVAL, now)
        covered = sum(
            (max(timedelta(0), min(until, end) - max(since, start)) for since, until in spans),
            timedelta(0),
        )
        found[start] = round(covered / (end - start), 1)
    return found
