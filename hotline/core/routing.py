"""Fair routing (rule B9): who gets which call.

Calls (and due callbacks, rule B8) are served by the priority their SLA gives, then by arrival;
each goes to the eligible agent who has been ready the longest. Agents never pick calls. Every
decision carries its candidates so that routing can be audited.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from heapq import heappop, heappush
from typing import Generic, TypeVar

from hotline.core.agent_states import AgentState

Moment = TypeVar("Moment", datetime, float)
_NO_QUEUES: frozenset[int] = frozenset()


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
    The whole floor at once, through the same `FairRouter` the simulator drives event by event.
    """
    router: FairRouter[datetime] = FairRouter()
    for slot in agents:
        if slot.state is AgentState.READY and slot.ready_since is not None:
            router.set_queues(slot.id, slot.queue_ids)
            router.agent_ready(slot.id, slot.ready_since, take_work=False)
    decisions = []
    for work in fair_order(waiting):
        candidates = tuple(router.idle_line(work.queue_id))
        if candidates:
            agent_id = router.add_work(
                work.queue_id, work.priority, work.since, work.kind.value, work.id
            )
            assert agent_id == candidates[0]
            decisions.append(RoutingDecision(work, agent_id, candidates))
    return decisions


def position_in_queue(work: WaitingWork, waiting: Iterable[WaitingWork]) -> int:
    """1 for the next call to be served in its queue."""
    same_queue = [w for w in fair_order(waiting) if w.queue_id == work.queue_id]
    return same_queue.index(work) + 1


class FairRouter(Generic[Moment]):
    """Rule B9 kept up to date event by event: the live floor and the simulator route with it.

    Waiting work sits in one heap per queue in fair order (priority, since, kind, id); ready
    agents sit in one heap per queue they serve, longest idle first (ready since, id). The
    invariant after every step is that no waiting work has a ready agent of its queue, so:

    - new work goes at once to the longest-idle ready agent of its queue, if there is one;
    - an agent who becomes ready takes the fairest waiting work across its queues.

    That is exactly what `route` decides for the whole floor at once (which uses this class).
    Work and agents that leave (abandoned, answered elsewhere, gone on break) are dropped
    lazily. `Moment` is whatever the clock is: datetimes on the floor, seconds in the simulator.
    """

    __slots__ = (
        "_agent_queues",
        "_alive",
        "_idle",
        "_ready",
        "_waiting_in",
        "_waiting_total",
        "_work",
    )

    def __init__(self) -> None:
        self._work: dict[int, list[tuple[int, Moment, str, int]]] = {}
        self._alive: dict[tuple[str, int], int] = {}  # (kind, id) -> queue it waits in
        self._waiting_in: dict[int, int] = {}  # queue -> pieces of work waiting
        self._waiting_total = 0
        self._idle: dict[int, list[tuple[Moment, int]]] = {}
        self._ready: dict[int, Moment] = {}  # agent -> ready since, while ready and idle
        self._agent_queues: dict[int, frozenset[int]] = {}

    # -- work ---------------------------------------------------------------------------------

    def add_work(
        self, queue_id: int, priority: int, since: Moment, kind: str, work_id: int
    ) -> int | None:
        """New waiting work: the id of the agent it goes to, or None if it has to wait."""
        idle = self._idle.get(queue_id)
        if idle:
            ready = self._ready
            while idle:
                since_ready, agent_id = heappop(idle)
                if ready.get(agent_id) == since_ready:
                    del ready[agent_id]
                    return agent_id
        key = (kind, work_id)
        self._alive[key] = queue_id
        self._waiting_in[queue_id] = self._waiting_in.get(queue_id, 0) + 1
        self._waiting_total += 1
        heappush(self._work.setdefault(queue_id, []), (priority, since, kind, work_id))
        return None

    def withdraw_work(self, kind: str, work_id: int) -> bool:
        """The work leaves its queue unserved (caller hung up, overflow, callback): True if it
        was waiting."""
        queue_id = self._alive.pop((kind, work_id), None)
        if queue_id is None:
            return False
        self._waiting_in[queue_id] -= 1
        self._waiting_total -= 1
        return True

    def waiting(self, queue_id: int) -> int:
        return self._waiting_in.get(queue_id, 0)

    def waiting_work(self, queue_id: int) -> list[tuple[int, Moment, str, int]]:
        """The queue's waiting work in fair order (for audits and position estimates)."""
        alive = self._alive
        return sorted(
            entry
            for entry in self._work.get(queue_id, ())
            if alive.get((entry[2], entry[3])) == queue_id
        )

    # -- agents -------------------------------------------------------------------------------

    def set_queues(self, agent_id: int, queue_ids: Iterable[int]) -> None:
        queues = self._agent_queues[agent_id] = frozenset(queue_ids)
        for queue_id in queues:
            self._idle.setdefault(queue_id, [])

    def agent_ready(
        self, agent_id: int, since: Moment, *, take_work: bool = True
    ) -> tuple[int, Moment, str, int] | None:
        """The agent is ready (idle since `since`): the work they take now, or None if they
        join the idle line. `take_work=False` only lines the agent up (see `route`)."""
        queues = self._agent_queues.get(agent_id, _NO_QUEUES)
        if take_work and self._waiting_total:
            best: tuple[int, Moment, str, int] | None = None
            best_queue = 0
            alive = self._alive
            for queue_id in queues:
                heap = self._work.get(queue_id)
                while heap:
                    head = heap[0]
                    if alive.get((head[2], head[3])) == queue_id:
                        if best is None or head < best:
                            best, best_queue = head, queue_id
                        break
                    heappop(heap)
            if best is not None:
                heappop(self._work[best_queue])
                del alive[(best[2], best[3])]
                self._waiting_in[best_queue] -= 1
                self._waiting_total -= 1
                return best
        self._ready[agent_id] = since
        idle = self._idle
        for queue_id in queues:
            heappush(idle[queue_id], (since, agent_id))
        return None

    def agent_unready(self, agent_id: int) -> bool:
        """The agent is no longer idle (offered work, on break, logged out): True if they were."""
        return self._ready.pop(agent_id, None) is not None

    def is_ready(self, agent_id: int) -> bool:
        return agent_id in self._ready

    def ready_since(self, agent_id: int) -> Moment | None:
        return self._ready.get(agent_id)

    def idle_line(self, queue_id: int) -> list[int]:
        """Ready agents of the queue, longest idle first: the candidates of rule B9."""
        ready = self._ready
        return [
            agent_id
            for since, agent_id in sorted(set(self._idle.get(queue_id, ())))
            if ready.get(agent_id) == since
        ]
