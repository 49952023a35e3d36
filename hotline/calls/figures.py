"""What the floor counts, from the event log: KPIs per queue (A1, A2), calls handled per agent
(A3) and take-overs (B10). The wallboard, the desk and the reports read these, so that one
figure means one thing wherever it is shown (README, KPI definitions).

A2: a call that overflows leaves one record in each queue it waited in. The queue it breached
keeps it as overflowed (a breach of its service level); the receiving queue counts it from the
overflow on, as what it became there (answered, abandoned, a callback), waiting counted from the
overflow as A2 counts it. A call's record for the whole centre (`call_records`) is one per call,
from its first arrival, with its last outcome.

A3 and B10: a call is handled by the agent who answered it, whoever ends it. A team lead taking
it over (B10) does not take the credit; the take-over is counted apart, for the lead.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from hotline.accounts.models import Team
from hotline.audit.models import Event
from hotline.calls.choices import CallbackState
from hotline.calls.events import AGENT, QUEUE, CallAction, CallsEntity
from hotline.calls.limits import talk_limit
from hotline.calls.models import AgentSession, Callback, Queue
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.kpi import AgentTime, CallbackRecord, CallRecord, FloorKpis, floor_kpis
from hotline.rulebook.selectors import current_rulebook

# Service level target time and the short-abandon threshold of the KPI definitions (README).
SERVICE_LEVEL_THRESHOLD = timedelta(seconds=20)
SHORT_ABANDON = timedelta(seconds=5)
HANDLING_STATES = {AgentState.OFFERED, AgentState.ON_CALL, AgentState.WRAP_UP}
# A call record's outcome flags, named as the actions that set them.
OUTCOME_FLAGS = (CallAction.ABANDONED, CallAction.OVERFLOWED, CallAction.TURNED_INTO_CALLBACK)
_CALL_EVENT_TIMES: dict[str, str] = {
    CallAction.ANSWERED: "answered_at",
    CallAction.ENDED: "ended_at",
    CallAction.ABANDONED: "ended_at",
    CallAction.WRAPPED_UP: "wrap_up_ended_at",
}


@dataclass
class _Leg:
    """A call's stay in one queue, folded from its events."""

    queue: int | None
    arrived_at: datetime
    facts: dict[str, Any] = field(default_factory=dict)

    def record(self, max_talk: timedelta | None = None) -> CallRecord:
        f = self.facts
        return CallRecord(
            arrived_at=self.arrived_at,
            answered_at=f.get("answered_at"),
            ended_at=f.get("ended_at"),
            wrap_up_ended_at=f.get("wrap_up_ended_at"),
            **{str(flag): True for flag in OUTCOME_FLAGS if f.get(flag)},
            transferred=bool(f.get("transferred")),
            max_talk=max_talk,
        )


def _queue_of(event: Event) -> int | None:
    queue = (event.new or {}).get(QUEUE) if isinstance(event.new, dict) else None
    return int(queue) if isinstance(queue, int) else None


def _legs(events: QuerySet[Event]) -> dict[str, list[_Leg]]:
    """Each call's legs, in order: a new leg at arrival and at each A2 overflow."""
    legs: dict[str, list[_Leg]] = defaultdict(list)
    for event in events.order_by("at", "id"):
        own = legs[event.entity_id]
        if event.action == CallAction.ARRIVED:
            if not own:
                own.append(_Leg(_queue_of(event), event.at))
            continue
        if not own:
            continue  # the call arrived before what was read: not counted here
        leg = own[-1]
        if event.action == CallAction.OVERFLOWED:
            leg.facts[CallAction.OVERFLOWED] = True
            own.append(_Leg(_queue_of(event), event.at))
        elif event.action in _CALL_EVENT_TIMES:
            leg.facts.setdefault(_CALL_EVENT_TIMES[event.action], event.at)
        if event.action in (CallAction.ABANDONED, CallAction.TURNED_INTO_CALLBACK):
            leg.facts[event.action] = True
        elif event.action == CallAction.TRANSFERRED:
            leg.facts["transferred"] = True
    return legs


def call_records(events: QuerySet[Event]) -> list[CallRecord]:
    """One record per call for the whole centre: from its first arrival, its last outcome (a
    call that overflowed and was answered is an answered call, and waited all along)."""
    records = []
    for own in _legs(events).values():
        if not own:
            continue
        last = own[-1]
        merged = _Leg(own[0].queue, own[0].arrived_at, dict(last.facts))
        merged.facts["transferred"] = any(leg.facts.get("transferred") for leg in own)
        records.append(merged.record())
    return records


def queue_records(
    events: QuerySet[Event], queues: dict[int, int], start: datetime
) -> list[CallRecord]:
    """One record per call and queue of `queues` ({queue id: its team id}) entered since
    `start`, each with the A1 limit of that queue."""
    return [record for _, record in queue_legs(events, queues, start)]


def queue_legs(
    events: QuerySet[Event], queues: dict[int, int], start: datetime
) -> list[tuple[int, CallRecord]]:
    """As `queue_records`, each record with the id of the queue it is a stay in (the
    wallboard's service level per queue and per interval of the day)."""
    rules = current_rulebook()
    limits = {q: talk_limit(rules, queue_id=q, team_id=t).max_talk for q, t in queues.items()}
    return [
        (leg.queue, leg.record(limits[leg.queue]))
        for own in _legs(events).values()
        for leg in own
        if leg.queue is not None and leg.queue in limits and leg.arrived_at >= start
    ]


def team_kpis(team: Team, start: datetime, now: datetime) -> FloorKpis:
    """The KPIs of the team's queues since `start`, computed from the event log (convention 6)."""
    queues = dict(Queue.objects.filter(team=team).values_list("pk", "team_id"))
    entered = Event.objects.filter(
        entity=CallsEntity.CALL,
        action__in=[CallAction.ARRIVED, CallAction.OVERFLOWED],
        at__gte=start,
        **{f"new__{QUEUE}__in": list(queues)},
    ).values_list("entity_id", flat=True)
    calls = queue_records(
        Event.objects.filter(entity=CallsEntity.CALL, entity_id__in=list(entered)), queues, start
    )
    return floor_kpis(
        calls,
        callback_records(team, start),
        agent_times(team, start, now),
        now=now,
        threshold=SERVICE_LEVEL_THRESHOLD,
        short_abandon=SHORT_ABANDON,
        max_talk=talk_limit(current_rulebook(), queue_id=None, team_id=team.pk).max_talk,
    )


def handled_by_agent(
    agent_ids: Iterable[int], start: datetime, end: datetime | None = None
) -> dict[int, int]:
    """A3: calls answered by each agent in [start, end), from the ``answered`` events: the agent
    who answered keeps the credit when the call is transferred or taken over."""
    wanted = {int(a) for a in agent_ids}
    found = Event.objects.filter(entity=CallsEntity.CALL, action=CallAction.ANSWERED, at__gte=start)
    if end is not None:
        found = found.filter(at__lt=end)
    handled: dict[int, int] = defaultdict(int)
    for new in found.filter(**{f"new__{AGENT}__in": list(wanted)}).values_list("new", flat=True):
        handled[int((new or {})[AGENT])] += 1
    return handled


def taken_over_by(
    user_ids: Iterable[int], start: datetime, end: datetime | None = None
) -> dict[int, int]:
    """B10: calls each of these users (team leads) took over from an agent in [start, end)."""
    found = Event.objects.filter(
        entity=CallsEntity.CALL,
        action=CallAction.TAKEN_OVER,
        at__gte=start,
        actor__in=list(user_ids),
    )
    if end is not None:
        found = found.filter(at__lt=end)
    counts: dict[int, int] = defaultdict(int)
    for actor_id in found.values_list("actor_id", flat=True):
        counts[actor_id] += 1
    return counts


def taken_over_from(agent_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, int]:
    """B10: calls taken over from each of these agents in [start, end)."""
    wanted = {int(a) for a in agent_ids}
    counts: dict[int, int] = defaultdict(int)
    for old in Event.objects.filter(
        entity=CallsEntity.CALL, action=CallAction.TAKEN_OVER, at__gte=start, at__lt=end
    ).values_list("old", flat=True):
        if isinstance(old, int) and old in wanted:
            counts[old] += 1
    return counts


def callback_records(team: Team, start: datetime) -> list[CallbackRecord]:
    return [
        CallbackRecord(
            due_at=c.window_start,
            completed_at=c.completed_at,
            failed=c.state == CallbackState.FAILED,
        )
        for c in Callback.objects.filter(queue__team=team, window_start__gte=start)
    ]


def agent_times(team: Team, start: datetime, now: datetime) -> list[AgentTime]:
    """Staffed and handling time per agent since `start`, from the agents' state events."""
    agent_ids = [
        str(pk) for pk in AgentSession.objects.filter(team=team).values_list("agent_id", flat=True)
    ]
    transitions = Event.objects.filter(
        entity=CallsEntity.AGENT,
        entity_id__in=agent_ids,
        action__in=[e.value for e in AgentEvent],  # transitions only, not leave requests
    )
    spans: dict[str, tuple[str, datetime]] = {}
    for agent_id in agent_ids:  # the state each agent was in when the period began
        before = transitions.filter(entity_id=agent_id, at__lt=start).order_by("-at", "-id").first()
        if before is not None:
            spans[agent_id] = (str(before.new), start)
    staffed: dict[str, timedelta] = {}
    handling: dict[str, timedelta] = {}
    # Another process may commit a transition stamped after this reading's `now` (its clock
    # was read later): it is not part of the period yet, or the open span would end before
    # it began (found by bench/load.py: the wallboard failed under load).
    for event in transitions.filter(at__gte=start, at__lte=now).order_by("at", "id"):
        _close_span(spans, staffed, handling, event.entity_id, event.at)
        spans[event.entity_id] = (str(event.new), event.at)
    for agent_id in list(spans):
        _close_span(spans, staffed, handling, agent_id, now)
    return [AgentTime(staffed[a], handling.get(a, timedelta(0))) for a in staffed]


def _close_span(
    spans: dict[str, tuple[str, datetime]],
    staffed: dict[str, timedelta],
    handling: dict[str, timedelta],
    agent_id: str,
    until: datetime,
) -> None:
    if agent_id not in spans:
        return
    state, since = spans[agent_id]
    if state != AgentState.LOGGED_OUT:
        staffed[agent_id] = staffed.get(agent_id, timedelta(0)) + (until - since)
    if state in HANDLING_STATES:
        handling[agent_id] = handling.get(agent_id, timedelta(0)) + (until - since)
