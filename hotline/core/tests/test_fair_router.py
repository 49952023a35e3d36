"""FairRouter keeps rule B9 event by event (the simulator) exactly as `route` decides it for
the whole floor at once (the live floor); transfer_refusal holds rules A4 and B10."""

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.core.agent_states import AgentState
from hotline.core.floor import transfer_refusal
from hotline.core.routing import AgentSlot, FairRouter, WaitingWork, WorkKind, route
from hotline.core.tests.test_routing import at


def test_b9_new_call_goes_to_the_longest_idle_agent_of_its_queue() -> None:
    router: FairRouter[float] = FairRouter()
    for agent, since in ((1, 30.0), (2, 10.0), (3, 20.0)):
        router.set_queues(agent, {1})
        assert router.agent_ready(agent, since) is None
    assert router.idle_line(1) == [2, 3, 1]
    assert router.add_work(1, 5, 100.0, "call", 1) == 2
    assert router.idle_line(1) == [3, 1]


def test_b9_agent_who_becomes_ready_takes_the_fairest_work_of_their_queues() -> None:
    router: FairRouter[float] = FairRouter()
    router.set_queues(7, {1, 2})
    assert router.add_work(1, 5, 10.0, "call", 1) is None
    assert router.add_work(2, 1, 20.0, "call", 2) is None  # higher priority, later
    assert router.add_work(1, 5, 5.0, "callback", 3) is None
    assert router.waiting(1) == 2
    assert router.agent_ready(7, 30.0) == (1, 20.0, "call", 2)
    assert router.agent_ready(7, 31.0) == (5, 5.0, "callback", 3)
    assert router.waiting(1) == 1


def test_b9_withdrawn_work_and_agents_who_left_are_skipped() -> None:
    router: FairRouter[float] = FairRouter()
    router.set_queues(1, {1})
    router.set_queues(2, {1})
    router.agent_ready(1, 0.0)
    router.agent_ready(2, 5.0)
    assert router.agent_unready(1)
    assert router.add_work(1, 5, 10.0, "call", 1) == 2  # 1 went on a break
    router.add_work(1, 5, 11.0, "call", 2)
    router.add_work(1, 5, 12.0, "call", 3)
    assert router.withdraw_work("call", 2)  # the caller hung up
    assert not router.withdraw_work("call", 2)
    assert [w[3] for w in router.waiting_work(1)] == [3]
    assert router.agent_ready(1, 20.0) == (5, 12.0, "call", 3)


works = st.lists(
    st.builds(
        WaitingWork,
        id=st.integers(1, 6),
        kind=st.sampled_from(list(WorkKind)),
        queue_id=st.sampled_from((1, 2, 3)),
        priority=st.integers(1, 3),
        since=st.integers(0, 20).map(at),
    ),
    max_size=12,
    unique_by=lambda w: (w.kind, w.id),
)
slots = st.lists(
    st.builds(
        AgentSlot,
        id=st.integers(1, 40),
        state=st.just(AgentState.READY),
        ready_since=st.integers(-20, 0).map(at),
        queue_ids=st.frozensets(st.sampled_from((1, 2, 3)), max_size=3),
    ),
    max_size=10,
    unique_by=lambda a: a.id,
)


@settings(max_examples=150, deadline=None, database=None)
@given(waiting=works, agents=slots)
def test_b9_work_first_then_agents_one_by_one_matches_route(
    waiting: list[WaitingWork], agents: list[AgentSlot]
) -> None:
    """All work waiting, then agents become ready in idle order: the same matching."""
    router: FairRouter[datetime] = FairRouter()
    for work in waiting:
        router.add_work(work.queue_id, work.priority, work.since, work.kind.value, work.id)
    got = {}
    for slot in sorted(agents, key=lambda a: (a.ready_since, a.id)):
        assert slot.ready_since is not None  # the strategy makes only ready agents
        router.set_queues(slot.id, slot.queue_ids)
        taken = router.agent_ready(slot.id, slot.ready_since)
        if taken is not None:
            got[(taken[2], taken[3])] = slot.id
    expected = {(d.work.kind.value, d.work.id): d.agent_id for d in route(waiting, agents)}
    assert got == expected


def test_b10_only_the_agent_on_the_call_transfers_it() -> None:
    refusal = transfer_refusal(
        on_own_call=False,
        same_team_colleague=True,
        receiver_state=AgentState.READY,
        receiver_name="bob",
    )
    assert refusal is not None
    assert refusal.rule_id == "B10"


def test_a4_transfer_needs_a_ready_colleague_of_the_team() -> None:
    elsewhere = transfer_refusal(
        on_own_call=True,
        same_team_colleague=False,
        receiver_state=AgentState.READY,
        receiver_name="bob",
    )
    busy = transfer_refusal(
        on_own_call=True,
        same_team_colleague=True,
        receiver_state=AgentState.ON_CALL,
        receiver_name="bob",
    )
    assert elsewhere is not None
    assert busy is not None
    assert (elsewhere.rule_id, busy.rule_id) == ("A4", "A4")
    assert busy.render() == "bob is not ready to take a call."
    assert (
        transfer_refusal(
            on_own_call=True,
            same_team_colleague=True,
            receiver_state=AgentState.READY,
            receiver_name="bob",
        )
        is None
    )
