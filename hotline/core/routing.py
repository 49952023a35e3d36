"""Fair routing (rule B9): who gets which call.

Calls (and due callbacks, rule B8) are served by the priority their SLA gives, then by arrival;
each goes to the eligible agent who has been ready the longest. Agents never pick calls. Every
decision carries its candidates so that routing can be audited.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hotline.core.agent_states import AgentState


class WorkKind(StrEnum):
    CALL = "call"
    CALLBACK = "callback"


@dataclass(frozen=True)
class WaitingWork:
    """A call in the queue, or a callback that has come due."""

    id: int
    kind: WorkKind
    queue_id: int
    priority: int  # 1 is served first (from the SLA)
    since: datetime  # arrival of a call; due time of a callback

    def order_key(self) -> tuple[int, datetime, str, int]:
        return (self.priority, self.since, self.kind.value, self.id)


@dataclass(frozen=True)
class AgentSlot:
    id: int
    state: AgentState
    ready_since: datetime | None  # when the agent last became ready (idle time starts)
    queue_ids: frozenset[int]


@dataclass(frozen=True)
class RoutingDecision:
    work: WaitingWork
    agent_id: int
    candidates: tuple[int, ...]  # eligible agents, longest idle first: the audit trail of B9


def fair_order(waiting: Iterable[WaitingWork]) -> list[WaitingWork]:
    return sorted(waiting, key=WaitingWork.order_key)


def eligible_agents(work: WaitingWork, agents: Iterable[AgentSlot]) -> list[AgentSlot]:
    """Ready agents of the work's queue, longest idle first (ties by id, so it is repeatable)."""
    ready = [
        a
        for a in agents
        if a.state is AgentState.READY
        and a.ready_since is not None
        and work.queue_id in a.queue_ids
    ]
    return sorted(ready, key=lambda a: (a.ready_since, a.id))


def route(waiting: Iterable[WaitingWork], agents: Sequence[AgentSlot]) -> list[RoutingDecision]:
    """Match waiting work to ready agents: each agent gets at most one, in fair order.

    A call whose queue has no ready agent does not hold up calls of other queues behind it.
    """
    taken: set[int] = set()
    decisions = []
    for work in fair_order(waiting):
        candidates = [a for a in eligible_agents(work, agents) if a.id not in taken]
        if candidates:
            taken.add(candidates[0].id)
            decisions.append(
                RoutingDecision(work, candidates[0].id, tuple(a.id for a in candidates))
            )
    return decisions


def position_in_queue(work: WaitingWork, waiting: Iterable[WaitingWork]) -> int:
    """1 for the next call to be served in its queue."""
    same_queue = [w for w in fair_order(waiting) if w.queue_id == work.queue_id]
    return same_queue.index(work) + 1
