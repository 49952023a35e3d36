"""Routing (rule B9): waiting calls and due callbacks go to the longest-idle ready agent."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Value

from hotline.audit.services import batched_events, event_append
from hotline.calls.choices import CallbackState, CallState, OfferOutcome
from hotline.calls.models import AgentSession, Call, Callback, Offer
from hotline.calls.services.floor import lock_team, offer_to_ready_agent
from hotline.core.agent_states import AgentState
from hotline.core.routing import AgentSlot, RoutingDecision, WaitingWork, WorkKind, route


def _waiting_work(team_id: int, now: datetime) -> tuple[list[WaitingWork], dict[int, timedelta]]:
    """The team's waiting calls and due callbacks, with their queues' ring times (for the
    offers), in one query: a UNION of the two."""
    calls = (
        Call.objects.filter(queue__team_id=team_id, state=CallState.WAITING)
        .annotate(kind=Value(WorkKind.CALL.value))
        .values_list("pk", "kind", "queue_id", "priority", "arrived_at", "queue__offer_ring_time")
    )
    callbacks = (
        Callback.objects.filter(
            queue__team_id=team_id, state=CallbackState.SCHEDULED, window_start__lte=now
        )
        .annotate(kind=Value(WorkKind.CALLBACK.value))
        .values_list("pk", "kind", "queue_id", "priority", "window_start", "queue__offer_ring_time")
    )
    work, ring_times = [], {}
    for pk, kind, queue_id, priority, since, ring_time in calls.union(callbacks, all=True):
        work.append(WaitingWork(pk, WorkKind(kind), queue_id, priority, since))
        ring_times[queue_id] = ring_time
    return work, ring_times


def _ready_agents(team_id: int, queue_ids: set[int]) -> list[AgentSlot]:
    """Ready agents of the team with the queues they serve, in one query of plain tuples."""
    serves = AgentSession.queues.through.objects.filter(
        agentsession__team_id=team_id, agentsession__state=AgentState.READY, queue_id__in=queue_ids
    ).values_list("agentsession__agent_id", "agentsession__ready_since", "queue_id")
    ready_since: dict[int, datetime] = {}
    queues: dict[int, set[int]] = {}
    for agent_id, since, queue_id in serves:
        if since is None:
            continue  # a ready agent always has a ready time; no time, no place in line
        ready_since[agent_id] = since
        queues.setdefault(agent_id, set()).add(queue_id)
    return [
        AgentSlot(agent_id, AgentState.READY, since, frozenset(queues[agent_id]))
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
    offer_to_ready_agent(decision.agent_id, now=now)
    event_append(
        actor=None,
        now=now,
        entity=f"calls.{work.kind.value}",
        entity_id=work.id,
        action="offered",
        new={
            "agent": decision.agent_id,
            "candidates": list(decision.candidates),
            "offer": offer.pk,
        },
        rule="B9",
    )
    return offer


def withdraw_offer(offer: Offer, *, outcome: OfferOutcome, now: datetime) -> None:
    offer.outcome, offer.decided_at = outcome, now
    offer.save(update_fields=["outcome", "decided_at"])
