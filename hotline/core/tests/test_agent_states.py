"""The agent state machine: every listed transition is reachable, nothing else is allowed,
and an agent with a call on hand cannot leave the phones (rule B5)."""

from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.core.agent_states import (
    AVAILABLE_STATES,
    AWAY_STATES,
    BUSY_STATES,
    ON_BREAK_STATES,
    TRANSITIONS,
    AgentEvent,
    AgentState,
    InvalidTransition,
    allowed_events,
    leave_event,
    next_state,
)
from hotline.core.breaks import LeaveKind

LEAVING_EVENTS = (
    AgentEvent.LOG_OUT,
    AgentEvent.START_BREAK,
    AgentEvent.START_LUNCH,
    AgentEvent.START_PERSONAL,
    AgentEvent.GO_AWAY,
)


def _shortest_paths(start: AgentState) -> dict[AgentState, list[AgentEvent]]:
    """For every state reachable from `start`, the shortest list of events that gets there."""
    paths: dict[AgentState, list[AgentEvent]] = {start: []}
    todo = deque([start])
    while todo:
        state = todo.popleft()
        for event in sorted(allowed_events(state)):
            target = next_state(state, event)
            if target not in paths:
                paths[target] = [*paths[state], event]
                todo.append(target)
    return paths


def _walk(events: list[AgentEvent], start: AgentState = AgentState.LOGGED_OUT) -> AgentState:
    state = start
    for event in events:
        state = next_state(state, event)
    return state


PATHS = _shortest_paths(AgentState.LOGGED_OUT)
INVALID = sorted(
    (state, event)
    for state in AgentState
    for event in AgentEvent
    if (state, event) not in TRANSITIONS
)


def test_every_state_is_reachable_from_logged_out() -> None:
    assert set(PATHS) == set(AgentState)


@pytest.mark.parametrize(("source", "event"), sorted(TRANSITIONS))
def test_every_listed_transition_is_reachable(source: AgentState, event: AgentEvent) -> None:
    state = _walk(PATHS[source])
    assert state is source
    assert next_state(state, event) is TRANSITIONS[(source, event)]


@pytest.mark.parametrize(("state", "event"), INVALID)
def test_unlisted_transitions_raise_invalid_transition(
    state: AgentState, event: AgentEvent
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        next_state(state, event)
    assert caught.value.state is state
    assert caught.value.event is event
    assert str(state) in str(caught.value)
    assert str(event) in str(caught.value)


def test_invalid_transition_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="cannot"):
        next_state(AgentState.LOGGED_OUT, AgentEvent.OFFER)


def test_a_shift_from_log_in_to_log_out() -> None:
    steps = [
        (AgentEvent.LOG_IN, AgentState.AWAY),  # logged in but not yet ready
        (AgentEvent.MAKE_READY, AgentState.READY),
        (AgentEvent.OFFER, AgentState.OFFERED),
        (AgentEvent.ACCEPT, AgentState.ON_CALL),
        (AgentEvent.CALL_END, AgentState.WRAP_UP),
        (AgentEvent.WRAP_END, AgentState.READY),
        (AgentEvent.START_LUNCH, AgentState.LUNCH),
        (AgentEvent.MAKE_READY, AgentState.READY),
        (AgentEvent.LOG_OUT, AgentState.LOGGED_OUT),
    ]
    state = AgentState.LOGGED_OUT
    for event, expected in steps:
        state = next_state(state, event)
        assert state is expected, event


def test_log_in_leaves_the_agent_not_ready() -> None:
    assert next_state(AgentState.LOGGED_OUT, AgentEvent.LOG_IN) is AgentState.AWAY
    with pytest.raises(InvalidTransition):
        next_state(AgentState.LOGGED_OUT, AgentEvent.MAKE_READY)


@pytest.mark.parametrize("event", [AgentEvent.DECLINE, AgentEvent.OFFER_TIMEOUT])
def test_declined_or_expired_offer_leaves_the_agent_not_ready(event: AgentEvent) -> None:
    assert next_state(AgentState.OFFERED, event) is AgentState.AWAY
    assert AgentState.AWAY not in AVAILABLE_STATES


def test_b9_only_a_ready_agent_can_be_offered_a_call() -> None:
    assert {s for s in AgentState if AgentEvent.OFFER in allowed_events(s)} == {AgentState.READY}


def test_a4_transfer_out_ends_the_call_into_wrap_up() -> None:
    assert next_state(AgentState.ON_CALL, AgentEvent.TRANSFER_OUT) is AgentState.WRAP_UP


@pytest.mark.parametrize("state", sorted(BUSY_STATES))
@pytest.mark.parametrize("event", LEAVING_EVENTS)
def test_b5_agent_with_a_call_on_hand_cannot_log_out_or_leave(
    state: AgentState, event: AgentEvent
) -> None:
    with pytest.raises(InvalidTransition):
        next_state(state, event)


def test_b5_on_call_only_ends_by_call_end_or_transfer_out() -> None:
    assert allowed_events(AgentState.ON_CALL) == {AgentEvent.CALL_END, AgentEvent.TRANSFER_OUT}


def test_b5_a_break_follows_the_wrap_up_not_the_call() -> None:
    state = _walk([AgentEvent.CALL_END], start=AgentState.ON_CALL)
    with pytest.raises(InvalidTransition):
        next_state(state, AgentEvent.START_BREAK)
    state = next_state(state, AgentEvent.WRAP_END)
    assert next_state(state, AgentEvent.START_BREAK) is AgentState.BREAK


@pytest.mark.parametrize("state", [AgentState.READY, *sorted(AWAY_STATES)])
def test_ready_or_away_agent_can_log_out(state: AgentState) -> None:
    assert next_state(state, AgentEvent.LOG_OUT) is AgentState.LOGGED_OUT


@pytest.mark.parametrize("state", sorted(AWAY_STATES))
def test_every_away_state_returns_to_ready(state: AgentState) -> None:
    assert next_state(state, AgentEvent.MAKE_READY) is AgentState.READY


def test_make_ready_is_refused_when_already_ready() -> None:
    with pytest.raises(InvalidTransition):
        next_state(AgentState.READY, AgentEvent.MAKE_READY)


@pytest.mark.parametrize("target", sorted(AWAY_STATES))
def test_leave_event_takes_a_ready_or_away_agent_to_its_target(target: AgentState) -> None:
    event = leave_event(target)
    assert next_state(AgentState.READY, event) is target
    for source in AWAY_STATES - {target}:
        assert next_state(source, event) is target
    with pytest.raises(InvalidTransition):
        next_state(target, event)  # already there


@pytest.mark.parametrize("target", [AgentState.READY, AgentState.ON_CALL, AgentState.LOGGED_OUT])
def test_leave_event_refuses_states_that_are_not_leaving(target: AgentState) -> None:
    with pytest.raises(ValueError, match="not a state"):
        leave_event(target)


@pytest.mark.parametrize("kind", list(LeaveKind))
def test_every_leave_kind_is_a_state_with_a_leave_event(kind: LeaveKind) -> None:
    assert kind.state in AWAY_STATES
    assert next_state(AgentState.READY, leave_event(kind.state)) is kind.state


def test_b4_counts_break_and_lunch_only() -> None:
    assert {AgentState.BREAK, AgentState.LUNCH} == ON_BREAK_STATES
    assert ON_BREAK_STATES <= AWAY_STATES


def test_b6_available_states_are_ready_or_busy_and_never_away() -> None:
    assert {AgentState.READY} | BUSY_STATES == AVAILABLE_STATES
    assert not AVAILABLE_STATES & AWAY_STATES
    assert AgentState.LOGGED_OUT not in AVAILABLE_STATES


def test_allowed_events_agree_with_next_state() -> None:
    for state in AgentState:
        for event in AgentEvent:
            if event in allowed_events(state):
                next_state(state, event)
            else:
                with pytest.raises(InvalidTransition):
                    next_state(state, event)


@settings(max_examples=300, deadline=None, database=None)
@given(
    start=st.sampled_from(list(AgentState)),
    events=st.lists(st.sampled_from(list(AgentEvent)), max_size=60),
)
def test_random_walk_stays_in_agent_states_and_leaves_on_call_only_by_ending_it(
    start: AgentState, events: list[AgentEvent]
) -> None:
    state = start
    for event in events:
        try:
            new = next_state(state, event)
        except InvalidTransition:
            assert event not in allowed_events(state)
            continue
        assert isinstance(new, AgentState)
        assert new in set(AgentState)
        if state is AgentState.ON_CALL and new is not AgentState.ON_CALL:
            assert event in (AgentEvent.CALL_END, AgentEvent.TRANSFER_OUT)
        if state in BUSY_STATES:
            # From a call on hand, only a declined or expired offer leads off the phones.
            assert new not in AWAY_STATES - {AgentState.AWAY}
            assert new is not AgentState.LOGGED_OUT
        state = new
