"""Routing (rule B9): waiting calls and due callbacks go to the longest-idle ready agent.

A callback is due from the start of its window until its end, never after (B8: the worker
marks one nobody dialled in time as missed)."""

from datetime import datetime, timedelta

from django.db import transaction

from hotline.audit.services import batched_events, event_append
from hotline.calls.choices import CallbackState, CallState, OfferOutcome
from hotline.calls.events import AGENT, OFFER, CallAction, CallbackAction, CallsEntity
from hotline.calls.models import Call, Callback, Offer
from hotline.calls.services.floor import lock_team, move_agent_if
from hotline.calls.services.floor_sql import (
    READY_AGENTS_SQL,
    WAITING_WORK_SQL,
    aware,
    db_time,
    duration,
    sql_rows,
)
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.routing import AgentSlot, RoutingDecision, WaitingWork, WorkKind, route


def _waiting_work(team_id: int, now: datetime) -> tuple[list[WaitingWork], dict[int, timedelta]]:
    """The team's waiting calls and due callbacks, with their queues' ring times (for the
    offers), in one query."""
    rows = sql_rows(
        WAITING_WORK_SQL,
        team=team_id,
        call=WorkKind.CALL.value,
        waiting=CallState.WAITING.value,
        callback=WorkKind.CALLBACK.value,
        scheduled=CallbackState.SCHEDULED.value,
        now=db_time(now),
    )
    work, ring_times = [], {}
    for pk, kind, queue_id, priority, since, ring_time in rows:
        work.append(WaitingWork(pk, WorkKind(kind), queue_id, priority, aware(since)))
        ring_times[queue_id] = duration(ring_time)
    return work, ring_times


def _ready_agents(team_id: int, queue_ids: set[int]) -> list[AgentSlot]:
    """Ready agents of the team with the queues they serve, in one query."""
    queues = {f"queue{n}": queue_id for n, queue_id in enumerate(queue_ids)}
    sql = READY_AGENTS_SQL.format(queues=", ".join(f"%({name})s" for name in queues))
    rows = sql_rows(sql, team=team_id, ready=AgentState.READY.value, **queues)
    ready_since: dict[int, datetime] = {}
    served: dict[int, set[int]] = {}
    for agent_id, since, queue_id in rows:
        if since is None:
            continue  # a ready agent always has a ready time; no time, no place in line
        ready_since[agent_id] = aware(since)
        served.setdefault(agent_id, set()).add(queue_id)
    return [
        AgentSlot(agent_id, AgentState.READY, since, frozenset(served[agent_id]))
        for agent_id, since in ready_since.items()
    ]


def floor_route(*, team_id: int, now: datetime, team_locked: bool = False) -> list[Offer]:
    """Offer every piece of waiting work that has a ready agent; return the new offers.

    `team_locked`: the caller's transaction holds `lock_team(team_id)` already."""
    # No savepoint: inside a caller's transaction a failure here fails the whole decision.
    with transaction.atomic(savepoint=False), batched_events():
        if not team_locked:
            lock_team(team_id)
        waiting, ring_times = _waiting_work(team_id, now)
        if not waiting:
            return []
        decisions = route(waiting, _ready_agents(team_id, set(ring_times)))
        return [
            _make_offer(decision, ring_times[decision.work.queue_id], now) for decision in decisions
        ]


def _make_offer(decision: RoutingDecision, ring_time: timedelta, now: datetime) -> Offer:
    work = decision.work
    is_call = work.kind is WorkKind.CALL
    offer = Offer.objects.create(
        agent_id=decision.agent_id,
        call_id=work.id if is_call else None,
        callback_id=None if is_call else work.id,
        offered_at=now,
        expires_at=now + ring_time,
        candidates=list(decision.candidates),
    )
    if is_call:
        Call.objects.filter(pk=work.id).update(state=CallState.OFFERED)
    else:
        Callback.objects.filter(pk=work.id).update(state=CallbackState.OFFERED)
    move_agent_if(
        decision.agent_id, AgentState.READY, AgentEvent.OFFER, actor=None, now=now, rule="B9"
    )
    event_append(
        actor=None,
        now=now,
        entity=CallsEntity.CALL if is_call else CallsEntity.CALLBACK,
        entity_id=work.id,
        action=CallAction.OFFERED if is_call else CallbackAction.OFFERED,
        new={
            AGENT: decision.agent_id,
            "candidates": list(decision.candidates),
            OFFER: offer.pk,
        },
        rule="B9",
    )
    return offer


def withdraw_offer(offer: Offer, *, outcome: OfferOutcome, now: datetime) -> None:
    offer.outcome, offer.decided_at = outcome, now
    offer.save(update_fields=["outcome", "decided_at"])
