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
from hotline.calls.events import LATE_SECONDS, AgentAction, CallsEntity
from hotline.calls.figures import (
    SERVICE_LEVEL_THRESHOLD,
    SHORT_ABANDON,
    call_records,
    handled_by_agent,
    taken_over_by,
    team_kpis,
)
from hotline.calls.limits import call_talk_limit
from hotline.calls.models import (
    AgentSession,
    Alert,
    BreakRequest,
    Call,
    Callback,
    CallReview,
    Offer,
    Transfer,
)
from hotline.core.agent_states import AgentState
from hotline.core.floor import DailyProgress, TalkStatus, talk_status
from hotline.core.kpi import FloorKpis
from hotline.core.scorecard import average_score
from hotline.paging import page_of
from hotline.rulebook.selectors import current_rulebook

__all__ = ["SERVICE_LEVEL_THRESHOLD", "SHORT_ABANDON", "call_records", "team_kpis"]


def team_zone(team: Team) -> ZoneInfo:
    """The zone the team's floor counts its day in and shows its times in (its site's)."""
    return ZoneInfo(team.site.calendar.time_zone)


def local_day_start(team: Team, now: datetime) -> datetime:
    return now.astimezone(team_zone(team)).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class DeskView:
    zone: ZoneInfo
    session: AgentSession | None
    offer: Offer | None
    call: Call | None
    talk: TalkStatus | None
    max_talk: timedelta | None  # A1 for the call on the desk
    incoming_transfer: Transfer | None
    outgoing_transfer: Transfer | None
    pending_leave: BreakRequest | None
    progress: DailyProgress
    taken_over: int  # B10: calls this user took over today (a team lead's), not in `progress`
    colleagues: list[AgentSession]


def desk_view(agent: User, now: datetime) -> DeskView:
    """The agent's own desk: nothing of other agents but who is ready to take a transfer."""
    session = (
        AgentSession.objects.select_related("team__site__calendar", "agent")
        .filter(agent=agent)
        .first()
    )
    assert agent.team is not None
    rules = current_rulebook()
    call = (
        Call.objects.filter(agent=agent, state__in=[CallState.CONNECTED, CallState.WRAP_UP])
        .select_related("customer", "queue", "agent")
        .first()
    )
    talk, max_talk = None, None
    if call is not None:
        limit = call_talk_limit(rules, call)
        max_talk = limit.max_talk
        if call.state == CallState.CONNECTED and call.answered_at:
            talk = talk_status(call.answered_at, now, limit.max_talk, limit.warning_share)
    day_start = local_day_start(agent.team, now)
    return DeskView(
        zone=team_zone(agent.team),
        session=session,
        offer=Offer.objects.filter(agent=agent, outcome=OfferOutcome.PENDING)
        .select_related("call__customer", "callback")
        .first(),
        call=call,
        talk=talk,
        max_talk=max_talk,
        incoming_transfer=Transfer.objects.filter(to_agent=agent, outcome=TransferOutcome.PENDING)
        .select_related("from_agent", "call__customer", "call__agent")
        .first(),
        outgoing_transfer=Transfer.objects.filter(from_agent=agent, outcome=TransferOutcome.PENDING)
        .select_related("to_agent")
        .first(),
        pending_leave=BreakRequest.objects.filter(agent=agent, state=LeaveState.AFTER_CALL).first(),
        progress=DailyProgress(
            handled_by_agent([agent.pk], day_start).get(agent.pk, 0),
            rules.count("a3.daily_calls_target", team=agent.team_id),
        ),
        taken_over=taken_over_by([agent.pk], day_start).get(agent.pk, 0),
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
    handled_today: int  # A3: calls the agent answered today
    target: int
    taken_over_today: int  # B10: calls the agent (a team lead) took over today
    call_id: int | None = None  # the call they talk on now (the lead may listen to it)
    # On a call whose line is on hold (the SIP edge's re-INVITE): shown "On hold" since then;
    # the agent's state stays "on a call" (the state machine has no hold: the talk goes on).
    held_since: datetime | None = None


@dataclass(frozen=True)
class Wallboard:
    team: Team
    zone: ZoneInfo
    waiting: list[WaitingRow]
    agents: list[AgentRow]
    callbacks_due: int
    late_logins: int  # B1: agents ready later than the preparation time before the shift
    alerts: list[Alert]
    kpis: FloorKpis


ALERTS_SHOWN = 20


def wallboard(team: Team, now: datetime) -> Wallboard:
    """The team lead's floor: waiting calls, agents by state, today's KPIs from the event log."""
    day_start = local_day_start(team, now)
    waiting = Call.objects.filter(
        queue__team=team, state__in=[CallState.WAITING, CallState.OFFERED]
    ).select_related("customer", "queue")
    target = current_rulebook().count("a3.daily_calls_target", team=team.pk)
    sessions = list(
        AgentSession.objects.filter(team=team)
        .exclude(state=AgentState.LOGGED_OUT)
        .select_related("agent")
        .order_by("state", "state_since")
    )
    members = [s.agent_id for s in sessions]
    handled = handled_by_agent(members, day_start)
    taken = taken_over_by(members, day_start)
    talking = {
        agent: (call, held_since)
        for agent, call, held_since in Call.objects.filter(
            agent__in=members, state=CallState.CONNECTED
        ).values_list("agent_id", "pk", "held_since")
    }
    return Wallboard(
        team=team,
        zone=team_zone(team),
        waiting=[
            WaitingRow(c, now - c.arrived_at) for c in waiting.order_by("priority", "arrived_at")
        ],
        agents=[
            AgentRow(
                s,
                now - s.state_since,
                handled.get(s.agent_id, 0),
                target,
                taken.get(s.agent_id, 0),
                *talking.get(s.agent_id, (None, None)),
            )
            for s in sessions
        ],
        callbacks_due=Callback.objects.filter(
            queue__team=team,
            state=CallbackState.SCHEDULED,
            window_start__lte=now,
            window_end__gt=now,  # past its window it is missed, not due (B8)
        ).count(),
        late_logins=_late_logins(team, day_start),
        alerts=list(
            Alert.objects.filter(
                team=team,
                acknowledged_at__isnull=True,
                cleared_at__isnull=True,
                raised_at__gte=day_start,
            )
            .select_related("agent", "call")
            .order_by("-raised_at")[:ALERTS_SHOWN]
        ),
        kpis=team_kpis(team, day_start, now),
    )


def _late_logins(team: Team, day_start: datetime) -> int:
    """B1: today's first "ready" events of the team's agents that came after the ready-by time."""
    members = [str(pk) for pk in team.members.values_list("pk", flat=True)]
    return sum(
        1
        for new in Event.objects.filter(
            entity=CallsEntity.AGENT,
            action=AgentAction.FIRST_READY,
            entity_id__in=members,
            at__gte=day_start,
        ).values_list("new", flat=True)
        if new and new.get(LATE_SECONDS, 0) > 0
    )


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
    tickets: list[Any]  # cases opened from the call (E2, E4): the cases app's rows, linked to it

    @property
    def over_limit(self) -> bool:
        return self.talk is not None and self.talk > self.max_talk


def review_facts(call: Call) -> ReviewFacts:
    return ReviewFacts(
        talk=call.talk_time,
        max_talk=call_talk_limit(current_rulebook(), call).max_talk,
        transfers=list(call.transfers.select_related("to_agent").order_by("requested_at")),
        tickets=list(call.tickets.order_by("created_at")),
    )
