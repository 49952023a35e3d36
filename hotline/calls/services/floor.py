"""Shared machinery of the call-floor services: the team lock, agent transitions, snapshots.

Every decision about a team's agents and calls (routing, breaks, transfers) runs under that
team's row lock, so two of them never interleave: one call never reaches two agents and two
break requests at the same instant never both pass rule B4.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count

from hotline.accounts.models import Team, User
from hotline.audit.services import event_append
from hotline.calls.choices import CallbackState, CallState, LeaveState
from hotline.calls.models import AgentSession, Call, Callback, LeaveRequest, Queue
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


def lock_team(team_id: int) -> Team:
    """Serialize the team's floor decisions (a row lock on PostgreSQL, the write lock on SQLite)."""
    return Team.objects.select_for_update().get(pk=team_id)


def lock_call(call_id: int) -> Call:
    """The call's team first, then the call: one lock order everywhere, so no deadlocks."""
    team_id = Call.objects.filter(pk=call_id).values_list("queue__team_id", flat=True).get()
    lock_team(team_id)
    return (
        Call.objects.select_for_update(of=("self",))
        .select_related("queue", "agent")
        .get(pk=call_id)
    )


def locked_session(agent: User) -> AgentSession:
    try:
        return (
            AgentSession.objects.select_for_update(of=("self",))
            .select_related("team__site__calendar")
            .get(agent=agent)
        )
    except AgentSession.DoesNotExist:
        raise PolicyRefusal("B1", gettext_noop("Log in to the floor first.")) from None


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
        raise PolicyRefusal(
            rule or "B5",
            gettext_noop("Not possible now: you are %(state)s."),
            {"state": old.value},
        ) from None
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


def offer_to_ready_agent(agent_id: int, *, now: datetime) -> None:
    """B9 offers work to a ready agent: `move_agent`'s transition and event, in one conditional
    UPDATE instead of a locked read and a write (every routing decision takes this step)."""
    old = AgentState.READY
    new = next_state(old, AgentEvent.OFFER)
    moved = AgentSession.objects.filter(agent_id=agent_id, state=old).update(
        state=new, state_since=now, reason=""
    )
    if not moved:  # not under the team lock, which routing holds: a bug, refused all the same
        name = User.objects.get(pk=agent_id).get_username()
        raise PolicyRefusal(
            "B9", gettext_noop("%(name)s is not ready to take a call."), {"name": name}
        )
    _transition_event(agent_id, AgentEvent.OFFER, old, new, actor=None, now=now, rule="B9")


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
        entity="calls.agent",
        entity_id=agent_id,
        action=event.value,
        old=old.value,
        new=new.value,
        reason=reason,
        rule=rule,
    )


def team_queue_ids(team_id: int) -> frozenset[int]:
    return frozenset(Queue.objects.filter(team_id=team_id).values_list("pk", flat=True))


def leaves_taken_today(agent: User, day_start: datetime) -> dict[LeaveKind, int]:
    rows = (
        LeaveRequest.objects.filter(agent=agent, started_at__gte=day_start)
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
    return FloorSnapshot(
        agent_state=AgentState(session.state),
        taken_today=leaves_taken_today(session.agent, day_start),
        team_on_break=colleagues.filter(state__in=[s.value for s in ON_BREAK_STATES]).count(),
        waiting_calls=Call.objects.filter(
            queue__in=queue_ids, state__in=[CallState.WAITING, CallState.OFFERED]
        ).count(),
        callbacks_due=Callback.objects.filter(
            queue__in=queue_ids, state=CallbackState.SCHEDULED, window_start__lte=now
        ).count(),
        available_others={row["queues"]: row["n"] for row in available},
    )


def pending_leave(agent_id: int) -> LeaveRequest | None:
    return LeaveRequest.objects.filter(agent_id=agent_id, state=LeaveState.AFTER_CALL).first()


def event_payload(**values: Any) -> dict[str, Any]:
    """JSON-safe event payloads: times as ISO strings, models as ids."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
        elif hasattr(value, "pk"):
            out[key] = value.pk
        else:
            out[key] = value
    return out
