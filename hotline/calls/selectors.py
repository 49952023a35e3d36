"""What the agent desktop and the wallboard show, scoped to the agent or the team lead's team;
and who may read which call quality reviews (B11)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.audit.models import Event
from hotline.calls.choices import (
    CallbackState,
    CallState,
    LeaveState,
    OfferOutcome,
    TransferOutcome,
)
from hotline.calls.models import (
    AgentSession,
    Alert,
    Call,
    Callback,
    CallReview,
    LeaveRequest,
    Offer,
    Transfer,
)
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.floor import DailyProgress, TalkStatus, talk_status
from hotline.core.kpi import AgentTime, CallbackRecord, CallRecord, FloorKpis, floor_kpis
from hotline.core.scorecard import average_score
from hotline.paging import page_of
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.models import Ticket

# Service level target time and the short-abandon threshold of the KPI definitions (README).
SERVICE_LEVEL_THRESHOLD = timedelta(seconds=20)
SHORT_ABANDON = timedelta(seconds=5)
HANDLING_STATES = {AgentState.OFFERED, AgentState.ON_CALL, AgentState.WRAP_UP}


def local_day_start(team: Team, now: datetime) -> datetime:
    zone = ZoneInfo(team.site.calendar.time_zone)
    return now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class DeskView:
    session: AgentSession | None
    offer: Offer | None
    call: Call | None
    talk: TalkStatus | None
    incoming_transfer: Transfer | None
    outgoing_transfer: Transfer | None
    pending_leave: LeaveRequest | None
    progress: DailyProgress
    colleagues: list[AgentSession]


def desk_view(agent: User, now: datetime) -> DeskView:
    """The agent's own desk: nothing of other agents but who is ready to take a transfer."""
    session = (
        AgentSession.objects.select_related("team__site__calendar").filter(agent=agent).first()
    )
    assert agent.team is not None
    rules = current_rulebook()
    call = (
        Call.objects.filter(agent=agent, state__in=[CallState.CONNECTED, CallState.WRAP_UP])
        .select_related("customer")
        .first()
    )
    talk = None
    if call and call.state == CallState.CONNECTED and call.answered_at:
        talk = talk_status(
            call.answered_at,
            now,
            # A1 per queue, else per team (the call's queue is one of the agent's team's)
            rules.duration("a1.max_talk", queue=call.queue_id, team=agent.team_id),
            rules.count("a1.warning_share", queue=call.queue_id, team=agent.team_id),
        )
    handled = Call.objects.filter(
        agent=agent, answered_at__gte=local_day_start(agent.team, now)
    ).count()
    return DeskView(
        session=session,
        offer=Offer.objects.filter(agent=agent, outcome=OfferOutcome.PENDING)
        .select_related("call__customer", "callback")
        .first(),
        call=call,
        talk=talk,
        incoming_transfer=Transfer.objects.filter(to_agent=agent, outcome=TransferOutcome.PENDING)
        .select_related("from_agent", "call")
        .first(),
        outgoing_transfer=Transfer.objects.filter(
            from_agent=agent, outcome=TransferOutcome.PENDING
        ).first(),
        pending_leave=LeaveRequest.objects.filter(agent=agent, state=LeaveState.AFTER_CALL).first(),
        progress=DailyProgress(handled, rules.count("a3.daily_calls_target", team=agent.team_id)),
        colleagues=list(
            AgentSession.objects.filter(team=agent.team_id, state=AgentState.READY)
            .exclude(agent=agent)
            .select_related("agent")
        ),
    )


@dataclass(frozen=True)
class WaitingRow:
    call: Call
    waited: timedelta


@dataclass(frozen=True)
class AgentRow:
    session: AgentSession
    in_state: timedelta
    handled_today: int
    target: int


@dataclass(frozen=True)
class Wallboard:
    team: Team
    waiting: list[WaitingRow]
    agents: list[AgentRow]
    callbacks_due: int
    late_logins: int  # B1: agents ready later than the preparation time before the shift
    alerts: QuerySet[Alert]
    kpis: FloorKpis


def wallboard(team: Team, now: datetime) -> Wallboard:
    """The team lead's floor: waiting calls, agents by state, today's KPIs from the event log."""
    day_start = local_day_start(team, now)
    waiting = Call.objects.filter(
        queue__team=team, state__in=[CallState.WAITING, CallState.OFFERED]
    )
    target = current_rulebook().count("a3.daily_calls_target", team=team.pk)
    handled = _handled_today(team, day_start)
    sessions = AgentSession.objects.filter(team=team).exclude(state=AgentState.LOGGED_OUT)
    return Wallboard(
        team=team,
        waiting=[
            WaitingRow(c, now - c.arrived_at) for c in waiting.order_by("priority", "arrived_at")
        ],
        agents=[
            AgentRow(s, now - s.state_since, handled.get(s.agent_id, 0), target)
            for s in sessions.select_related("agent").order_by("state", "state_since")
        ],
        callbacks_due=Callback.objects.filter(
            queue__team=team,
            state=CallbackState.SCHEDULED,
            window_start__lte=now,
            window_end__gt=now,  # past its window it is missed, not due (B8)
        ).count(),
        late_logins=_late_logins(team, day_start),
        alerts=Alert.objects.filter(
            team=team, acknowledged_at__isnull=True, raised_at__gte=day_start
        )
        .select_related("agent")
        .order_by("-raised_at")[:20],
        kpis=team_kpis(team, day_start, now),
    )


def _late_logins(team: Team, day_start: datetime) -> int:
    """B1: today's first "ready" events of the team's agents that came after the ready-by time."""
    members = [str(pk) for pk in team.members.values_list("pk", flat=True)]
    return sum(
        1
        for new in Event.objects.filter(
            entity="calls.agent", action="first_ready", entity_id__in=members, at__gte=day_start
        ).values_list("new", flat=True)
        if new and new.get("late_seconds", 0) > 0
    )


def _handled_today(team: Team, day_start: datetime) -> dict[int, int]:
    handled: dict[int, int] = {}
    for agent_id in Call.objects.filter(queue__team=team, answered_at__gte=day_start).values_list(
        "agent_id", flat=True
    ):
        handled[agent_id] = handled.get(agent_id, 0) + 1
    return handled


def team_kpis(team: Team, start: datetime, now: datetime) -> FloorKpis:
    """Today's KPIs of the team's queues, computed from the event log (convention 6)."""
    rules = current_rulebook()
    call_ids = [
        str(pk)
        for pk in Call.objects.filter(queue__team=team, arrived_at__gte=start).values_list(
            "pk", flat=True
        )
    ]
    calls = call_records(Event.objects.filter(entity="calls.call", entity_id__in=call_ids))
    return floor_kpis(
        calls,
        callback_records(team, start),
        agent_times(team, start, now),
        now=now,
        threshold=SERVICE_LEVEL_THRESHOLD,
        short_abandon=SHORT_ABANDON,
        max_talk=rules.duration("a1.max_talk", team=team.pk),  # the team's, if it has one
    )


def call_records(events: QuerySet[Event]) -> list[CallRecord]:
    """One record per call, folded from its events in time order."""
    folded: dict[str, dict[str, Any]] = {}
    for event in events.order_by("at", "id"):
        _fold_call_event(folded.setdefault(event.entity_id, {}), event)
    return [
        CallRecord(
            arrived_at=f["arrived_at"],
            answered_at=f.get("answered_at"),
            ended_at=f.get("ended_at"),
            wrap_up_ended_at=f.get("wrap_up_ended_at"),
            **{flag: True for flag in OUTCOME_FLAGS if f.get(flag)},
            transferred=bool(f.get("transferred")),
        )
        for f in folded.values()
        if "arrived_at" in f
    ]


_CALL_EVENT_TIMES = {
    "arrived": "arrived_at",
    "answered": "answered_at",
    "ended": "ended_at",
    "abandoned": "ended_at",
    "wrapped_up": "wrap_up_ended_at",
}
OUTCOME_FLAGS = ("abandoned", "overflowed", "turned_into_callback")


def _fold_call_event(record: dict[str, Any], event: Event) -> None:
    action = event.action
    if action in _CALL_EVENT_TIMES:
        record.setdefault(_CALL_EVENT_TIMES[action], event.at)
    if action in OUTCOME_FLAGS or action == "answered":
        # One outcome per call: the last one counts (overflowed, then answered by the
        # overflow group, is an answered call; overflowed, then hung up, is abandoned).
        for flag in OUTCOME_FLAGS:
            record.pop(flag, None)
        if action != "answered":
            record[action] = True
    if action == "transferred":
        record["transferred"] = True


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
        entity="calls.agent",
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
    for event in transitions.filter(at__gte=start).order_by("at", "id"):
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


# --- quality reviews (B11) -----------------------------------------------------------------------

REVIEW_PAGE_SIZE = 50
RECENT_CALLS = 50


def reviews_for(user: User) -> QuerySet[CallReview]:
    """The reviews a user may read: an agent their own, a team lead those of their team's agents,
    the manager and admins every one; anyone else none."""
    found = CallReview.objects.select_related("call__customer", "agent", "reviewer")
    if user.role == Role.AGENT:
        return found.filter(agent=user)
    if user.role == Role.TEAM_LEAD:
        return found.filter(agent__team=user.team_id) if user.team_id else found.none()
    return found if user.role in (Role.MANAGER, Role.ADMIN) else found.none()


def review_for(user: User, review_id: int) -> CallReview:
    """One review, or CallReview.DoesNotExist when there is none the user may read."""
    return reviews_for(user).get(pk=review_id)


def review_page(user: User, page: int, *, agent: str = "") -> tuple[list[CallReview], bool]:
    """One page of the reviews the user may read, newest first; `agent` (a user name) narrows
    them to one agent's, and to none when the user may not read that agent's."""
    found = reviews_for(user)
    if agent:
        found = found.filter(agent__username=agent)
    return page_of(found.order_by("-reviewed_at", "-id"), page, REVIEW_PAGE_SIZE)


def reviewable_calls(lead: User) -> QuerySet[Call]:
    """The calls a team lead may open for review: those of the team's queues or answered by the
    team's members. Any other call is, to them, one that does not exist."""
    if lead.role != Role.TEAM_LEAD or lead.team_id is None:
        return Call.objects.none()
    return Call.objects.filter(Q(queue__team=lead.team_id) | Q(agent__team=lead.team_id))


def calls_to_review(lead: User, *, agent: User | None = None) -> list[Call]:
    """The team's agents' most recent answered, ended calls, with their review if they have one."""
    found = reviewable_calls(lead).filter(
        answered_at__isnull=False,
        ended_at__isnull=False,
        agent__role=Role.AGENT,
        agent__team=lead.team_id,
    )
    if agent is not None:
        found = found.filter(agent=agent)
    return list(
        found.select_related("agent", "customer", "review").order_by("-answered_at", "-id")[
            :RECENT_CALLS
        ]
    )


@dataclass(frozen=True)
class AgentQuality:
    """An agent's reviews in a stretch of time: how many, the mean score, B11 breaches."""

    agent: User
    reviews: int
    average: float | None
    breaches: int


def quality_by_agent(reviews: QuerySet[CallReview], agents: list[User]) -> list[AgentQuality]:
    """Per agent, in the order given; agents without reviews get a row of zeros."""
    scores: dict[int, list[float | None]] = defaultdict(list)
    breaches: dict[int, int] = defaultdict(int)
    for agent_id, score, breach in reviews.filter(agent__in=agents).values_list(
        "agent_id", "score", "conduct_breach"
    ):
        scores[agent_id].append(score)
        breaches[agent_id] += int(breach)
    return [
        AgentQuality(a, len(scores[a.pk]), average_score(scores[a.pk]), breaches[a.pk])
        for a in agents
    ]


@dataclass(frozen=True)
class ReviewFacts:
    """What the record says about a call, beside the form: the reviewer judges, Hotline reminds."""

    talk: timedelta | None
    max_talk: timedelta  # A1, for the call's queue
    transfers: list[Transfer]  # asked during the call, with their outcome (A4)
    tickets: list[Ticket]  # cases opened from the call (E2, E4)

    @property
    def over_limit(self) -> bool:
        return self.talk is not None and self.talk > self.max_talk


def review_facts(call: Call) -> ReviewFacts:
    return ReviewFacts(
        talk=call.talk_time,
        max_talk=current_rulebook().duration(
            "a1.max_talk", queue=call.queue_id, team=call.queue.team_id
        ),
        transfers=list(call.transfers.select_related("to_agent").order_by("requested_at")),
        tickets=list(call.tickets.order_by("created_at")),
    )
