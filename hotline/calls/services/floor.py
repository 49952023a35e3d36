"""Shared machinery of the call-floor services: the team lock, agent transitions, snapshots.

Every decision about a team's agents and calls (routing, breaks, transfers) runs under that
team's row lock, so two of them never interleave: one call never reaches two agents and two
break requests at the same instant never both pass rule B4.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from hotline.accounts.models import Team, User
from hotline.audit.services import event_append
from hotline.calls.choices import CallbackState, CallState, LeaveState
from hotline.calls.events import CallsEntity
from hotline.calls.models import AgentSession, BreakRequest, Call, Callback, Queue
from hotline.calls.services.floor_sql import lock_team_sql, sql_rows
from hotline.core.agent_states import (
    AVAILABLE_STATES,
    ON_BREAK_STATES,
    AgentEvent,
    AgentState,
    InvalidTransition,
    next_state,
)
from hotline.core.breaks import FloorSnapshot, LeaveKind
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal


def lock_team(team_id: int) -> None:
    """Serialize the team's floor decisions (a row lock on PostgreSQL, the write lock on SQLite)."""
    _lock_team_where("%(team)s", team=team_id)


def lock_call(call_id: int) -> Call:
    """The call's team first, then the call: one lock order everywhere, so no deadlocks."""
    try:  # the call's team, found and locked in one statement
        _lock_team_where(
            "SELECT q.team_id FROM calls_queue q JOIN calls_call c ON c.queue_id = q.id"
            " WHERE c.id = %(call)s",
            call=call_id,
        )
    except Team.DoesNotExist:
        raise Call.DoesNotExist from None
    return (
        Call.objects.select_for_update(of=("self",))
        .select_related("queue", "agent")
        .get(pk=call_id)
    )


def locked_session(agent: User) -> AgentSession:
    try:
        return AgentSession.objects.select_for_update().get(agent=agent)
    except AgentSession.DoesNotExist:
        raise _not_on_the_floor() from None


def move_agent(
    session: AgentSession,
    event: AgentEvent,
    *,
    actor: User | None,
    now: datetime,
    reason: str = "",
    rule: str = "",
) -> AgentState:
    """Apply one transition of the agent state machine and record it as an event."""
    old = AgentState(session.state)
    try:
        new = next_state(old, event)
    except InvalidTransition:
        raise _not_possible_now(old, rule) from None
    session.state = new
    session.state_since = now
    session.reason = reason
    if new is AgentState.READY:
        session.ready_since = now
    # The wrap-up's end changes with the state (callers set it): one write, not two.
    session.save(update_fields=["state", "state_since", "reason", "ready_since", "wrap_up_ends_at"])
    _transition_event(
        session.agent_id, event, old, new, actor=actor, now=now, reason=reason, rule=rule
    )
    return new


def move_agent_if(
    agent_id: int,
    expected: AgentState,
    event: AgentEvent,
    *,
    actor: User | None,
    now: datetime,
    rule: str = "",
    **also: Any,
) -> AgentState:
    """`move_agent` for an agent the caller knows to be in the `expected` state (it holds the
    team lock): one conditional UPDATE instead of a locked read and a write. The floor's
    hottest steps (an offer, an answer, a hang-up) take it. `also`: more columns to set."""
    new = next_state(expected, event)
    changes = {"state": new, "state_since": now, "reason": "", **also}
    if new is AgentState.READY:
        changes["ready_since"] = now
    if not AgentSession.objects.filter(agent_id=agent_id, state=expected).update(**changes):
        raise _not_possible_now(_current_state(agent_id), rule)
    _transition_event(agent_id, event, expected, new, actor=actor, now=now, rule=rule)
    return new


def _current_state(agent_id: int) -> AgentState:
    state = AgentSession.objects.filter(agent_id=agent_id).values_list("state", flat=True).first()
    if state is None:
        raise _not_on_the_floor()
    return AgentState(state)


def _not_on_the_floor() -> PolicyRefusal:
    return PolicyRefusal("B1", gettext_noop("Log in to the floor first."))


def _not_possible_now(state: AgentState, rule: str) -> PolicyRefusal:
    return PolicyRefusal(
        rule or "B5", gettext_noop("Not possible now: you are %(state)s."), {"state": state.value}
    )


def _transition_event(
    agent_id: int,
    event: AgentEvent,
    old: AgentState,
    new: AgentState,
    *,
    actor: User | None,
    now: datetime,
    reason: str = "",
    rule: str = "",
) -> None:
    event_append(
        actor=actor,
        now=now,
        entity=CallsEntity.AGENT,
        entity_id=agent_id,
        action=event.value,
        old=old.value,
        new=new.value,
        reason=reason,
        rule=rule,
    )


def _lock_team_where(team_id_sql: str, **params: Any) -> None:
    if not sql_rows(lock_team_sql(team_id_sql), **params):
        raise Team.DoesNotExist


def team_queue_ids(team_id: int) -> frozenset[int]:
    return frozenset(Queue.objects.filter(team_id=team_id).values_list("pk", flat=True))


def leaves_taken_today(agent: User, day_start: datetime) -> dict[LeaveKind, int]:
    rows = (
        BreakRequest.objects.filter(agent=agent, started_at__gte=day_start)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {LeaveKind(row["kind"]): row["n"] for row in rows}


def floor_snapshot(session: AgentSession, *, now: datetime, day_start: datetime) -> FloorSnapshot:
    """What rules B2-B6 look at, read while the team is locked."""
    queue_ids = list(session.queues.values_list("pk", flat=True))
    colleagues = AgentSession.objects.filter(team_id=session.team_id).exclude(pk=session.pk)
    available = (
        colleagues.filter(state__in=[s.value for s in AVAILABLE_STATES], queues__in=queue_ids)
        .values("queues")
        .annotate(n=Count("id"))
    )
    calls = _count_by_queue(
        Call.objects.filter(queue__in=queue_ids, state__in=[CallState.WAITING, CallState.OFFERED])
    )
    callbacks = _count_by_queue(
        Callback.objects.filter(
            queue__in=queue_ids,
            state=CallbackState.SCHEDULED,
            window_start__lte=now,
            window_end__gt=now,  # one whose window has passed is missed, not due (B8)
        )
    )
    return FloorSnapshot(
        agent_state=AgentState(session.state),
        taken_today=leaves_taken_today(session.agent, day_start),
        team_on_break=colleagues.filter(state__in=[s.value for s in ON_BREAK_STATES]).count(),
        waiting_calls=sum(calls.values()),
        callbacks_due=sum(callbacks.values()),
        available_others={row["queues"]: row["n"] for row in available},
        waiting_in={q: calls.get(q, 0) + callbacks.get(q, 0) for q in calls.keys() | callbacks},
    )


def _count_by_queue(rows: QuerySet[Any]) -> dict[int, int]:
    return {row["queue"]: row["n"] for row in rows.values("queue").annotate(n=Count("id"))}


def pending_leave(agent_id: int) -> BreakRequest | None:
    return BreakRequest.objects.filter(agent_id=agent_id, state=LeaveState.AFTER_CALL).first()
