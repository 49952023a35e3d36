"""Fair routing (rule B9, with due callbacks of rule B8): priority, then arrival, to the agent
who has been ready the longest; nobody picks calls and nothing is routed twice."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.core.agent_states import AgentState
from hotline.core.routing import (
    AgentSlot,
    RoutingDecision,
    WaitingWork,
    WorkKind,
    eligible_agents,
    fair_order,
    position_in_queue,
    route,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
Q1, Q2, Q3 = 1, 2, 3


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def call(
    id: int,
    *,
    queue: int = Q1,
    priority: int = 2,
    minute: float = 0,
    kind: WorkKind = WorkKind.CALL,
) -> WaitingWork:
    return WaitingWork(id, kind, queue, priority, at(minute))


def callback(id: int, *, queue: int = Q1, priority: int = 2, minute: float = 0) -> WaitingWork:
    return call(id, queue=queue, priority=priority, minute=minute, kind=WorkKind.CALLBACK)


def agent(
    id: int,
    *,
    ready_minute: float | None = 0,
    queues: tuple[int, ...] = (Q1,),
    state: AgentState = AgentState.READY,
) -> AgentSlot:
    since = None if ready_minute is None else at(ready_minute)
    return AgentSlot(id, state, since, frozenset(queues))


def assignments(decisions: list[RoutingDecision]) -> dict[tuple[WorkKind, int], int]:
    return {(d.work.kind, d.work.id): d.agent_id for d in decisions}


def test_b9_calls_are_served_by_priority_then_arrival() -> None:
    late_urgent = call(1, priority=1, minute=5)
    early_normal = call(2, priority=2, minute=0)
    early_urgent = call(3, priority=1, minute=1)
    later_normal = call(4, priority=2, minute=3)
    waiting = [late_urgent, early_normal, early_urgent, later_normal]

    assert fair_order(waiting) == [early_urgent, late_urgent, early_normal, later_normal]

    # One agent: the first in fair order gets it, whatever order the calls were listed in.
    for listing in (waiting, list(reversed(waiting))):
        [decision] = route(listing, [agent(10)])
        assert decision.work == early_urgent


def test_b9_longest_idle_ready_agent_gets_the_offer() -> None:
    agents = [agent(10, ready_minute=-1), agent(11, ready_minute=-8), agent(12, ready_minute=-3)]
    [decision] = route([call(1)], agents)
    assert decision.agent_id == 11
    assert decision.candidates == (11, 12, 10)  # the audit trail, longest idle first


def test_b9_idle_tie_is_broken_by_agent_id_so_routing_repeats() -> None:
    agents = [agent(12, ready_minute=-2), agent(7, ready_minute=-2), agent(9, ready_minute=-2)]
    assert [a.id for a in eligible_agents(call(1), agents)] == [7, 9, 12]
    assert route([call(1)], agents)[0].agent_id == 7
    assert route([call(1)], list(reversed(agents)))[0].agent_id == 7


def test_b9_agent_in_another_queue_is_not_eligible() -> None:
    other_queue = agent(10, ready_minute=-30, queues=(Q2,))
    assert eligible_agents(call(1, queue=Q1), [other_queue]) == []
    assert route([call(1, queue=Q1)], [other_queue]) == []


def test_b9_agent_of_several_queues_is_eligible_in_each() -> None:
    both = agent(10, queues=(Q1, Q2))
    assert eligible_agents(call(1, queue=Q1), [both]) == [both]
    assert eligible_agents(call(2, queue=Q2), [both]) == [both]


@pytest.mark.parametrize("state", [s for s in AgentState if s is not AgentState.READY])
def test_b9_only_ready_agents_are_eligible(state: AgentState) -> None:
    busy = agent(10, ready_minute=-30, state=state)
    ready = agent(11, ready_minute=-1)
    assert eligible_agents(call(1), [busy, ready]) == [ready]
    [decision] = route([call(1)], [busy, ready])
    assert decision.agent_id == 11
    assert decision.candidates == (11,)


def test_b9_a_call_without_an_agent_does_not_block_other_queues() -> None:
    stuck = call(1, queue=Q1, priority=1, minute=0)  # first in fair order, nobody for Q1
    behind = call(2, queue=Q2, priority=3, minute=9)
    decisions = route([stuck, behind], [agent(10, queues=(Q2,))])
    assert [(d.work, d.agent_id) for d in decisions] == [(behind, 10)]


def test_b9_each_agent_gets_at_most_one_piece_of_work() -> None:
    waiting = [call(1, minute=0), call(2, minute=1), call(3, minute=2)]
    agents = [agent(10, ready_minute=-5), agent(11, ready_minute=-2)]
    decisions = route(waiting, agents)
    assert [(d.work.id, d.agent_id) for d in decisions] == [(1, 10), (2, 11)]
    # The audit trail lists only agents still free when the decision was made.
    assert [d.candidates for d in decisions] == [(10, 11), (11,)]


def test_b9_shared_agent_goes_to_the_fairest_call_across_queues() -> None:
    q1_call = call(1, queue=Q1, priority=2, minute=0)
    q2_call = call(2, queue=Q2, priority=1, minute=4)  # higher priority wins over arrival
    decisions = route([q1_call, q2_call], [agent(10, queues=(Q1, Q2))])
    assert [(d.work, d.agent_id) for d in decisions] == [(q2_call, 10)]


def test_b9_no_work_or_no_agents_routes_nothing() -> None:
    assert route([], [agent(10)]) == []
    assert route([call(1)], []) == []


def test_b9_routing_does_not_depend_on_the_order_agents_are_listed() -> None:
    waiting = [call(1, minute=0), call(2, queue=Q2, minute=1), call(3, minute=2)]
    agents = [
        agent(10, ready_minute=-1, queues=(Q1, Q2)),
        agent(11, ready_minute=-4),
        agent(12, ready_minute=-6, queues=(Q2,)),
    ]
    assert route(waiting, agents) == route(waiting, list(reversed(agents)))


def test_b8_due_callback_is_routed_like_a_call() -> None:
    due_callback = callback(1, minute=0)
    later_call = call(2, minute=1)
    decisions = route([later_call, due_callback], [agent(10, ready_minute=-5), agent(11)])
    assert [(d.work, d.agent_id) for d in decisions] == [(due_callback, 10), (later_call, 11)]


def test_b8_callback_waits_behind_a_call_of_higher_priority() -> None:
    due_callback = callback(1, priority=2, minute=0)
    urgent_call = call(2, priority=1, minute=5)
    [decision] = route([due_callback, urgent_call], [agent(10)])
    assert decision.work == urgent_call


def test_b8_call_and_callback_with_the_same_id_are_different_work() -> None:
    same_id = [call(5, minute=0), callback(5, minute=0)]
    decisions = route(same_id, [agent(10, ready_minute=-1), agent(11)])
    assert assignments(decisions) == {(WorkKind.CALL, 5): 10, (WorkKind.CALLBACK, 5): 11}


def test_b9_position_in_queue_counts_only_the_same_queue_in_fair_order() -> None:
    first = call(1, queue=Q1, priority=1, minute=3)
    second = call(2, queue=Q1, priority=2, minute=0)
    third = callback(3, queue=Q1, priority=2, minute=1)
    elsewhere = call(4, queue=Q2, priority=1, minute=0)
    waiting = [second, elsewhere, third, first]
    assert [position_in_queue(w, waiting) for w in (first, second, third)] == [1, 2, 3]
    assert position_in_queue(elsewhere, waiting) == 1


# -- properties -----------------------------------------------------------------------------

QUEUES = (Q1, Q2, Q3)

works = st.lists(
    st.builds(
        WaitingWork,
        id=st.integers(1, 6),
        kind=st.sampled_from(list(WorkKind)),
        queue_id=st.sampled_from(QUEUES),
        priority=st.integers(1, 3),
        since=st.integers(0, 20).map(at),
    ),
    max_size=12,
    unique_by=lambda w: (w.kind, w.id),
)

agent_slots = st.lists(
    st.builds(
        AgentSlot,
        id=st.integers(1, 40),
        state=st.sampled_from(list(AgentState)),
        ready_since=st.none() | st.integers(-20, 0).map(at),
        queue_ids=st.frozensets(st.sampled_from(QUEUES), max_size=3),
    ),
    max_size=10,
    unique_by=lambda a: a.id,
)


def _is_eligible(slot: AgentSlot, work: WaitingWork) -> bool:
    return (
        slot.state is AgentState.READY
        and slot.ready_since is not None
        and work.queue_id in slot.queue_ids
    )


@settings(max_examples=400, deadline=None, database=None)
@given(waiting=works, agents=agent_slots)
def test_b9_route_is_a_fair_matching(waiting: list[WaitingWork], agents: list[AgentSlot]) -> None:
    decisions = route(waiting, agents)
    by_id = {a.id: a for a in agents}

    # One agent never gets two pieces of work; one piece of work never goes to two agents.
    agent_ids = [d.agent_id for d in decisions]
    assert len(agent_ids) == len(set(agent_ids))
    work_keys = [(d.work.kind, d.work.id) for d in decisions]
    assert len(work_keys) == len(set(work_keys))
    assert all(d.work in waiting for d in decisions)

    # Only READY agents of the work's queue, and the audit trail says who else could have.
    for d in decisions:
        assert _is_eligible(by_id[d.agent_id], d.work)
        assert d.candidates[0] == d.agent_id
        assert all(_is_eligible(by_id[c], d.work) for c in d.candidates)

    # Decisions come in fair order, and each goes to the longest idle agent still free.
    assert [d.work for d in decisions] == fair_order(d.work for d in decisions)
    taken: set[int] = set()
    for d in decisions:
        free = [a.id for a in eligible_agents(d.work, agents) if a.id not in taken]
        assert d.candidates == tuple(free)
        taken.add(d.agent_id)

    # Each queue is served in fair order: what is routed is a head of the queue's line.
    routed = {(d.work.kind, d.work.id) for d in decisions}
    for queue in QUEUES:
        line = [(w.kind, w.id) for w in fair_order(waiting) if w.queue_id == queue]
        served = [key in routed for key in line]
        assert served == sorted(served, reverse=True), (queue, served)

    # Nothing is left waiting while an eligible agent stays free.
    for w in waiting:
        if (w.kind, w.id) not in routed:
            assert all(a.id in taken for a in agents if _is_eligible(a, w))
