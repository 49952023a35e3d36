"""The agent state machine of the call floor.

Every state change of an agent is one of these transitions; anything else is refused. The
live floor and the simulator both go through `next_state`, so they cannot disagree.
"""

from enum import StrEnum


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    OFFERED = "offered"  # a call rings on the agent's desk
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"  # after-call work
    BREAK = "break"
    LUNCH = "lunch"
    PERSONAL = "personal"
    AWAY = "away"  # not ready: a missed or declined offer, or by choice


class AgentEvent(StrEnum):
    LOG_IN = "log_in"
    LOG_OUT = "log_out"
    MAKE_READY = "make_ready"
    OFFER = "offer"
    ACCEPT = "accept"
    DECLINE = "decline"
    OFFER_TIMEOUT = "offer_timeout"
    CALL_END = "call_end"
    TRANSFER_OUT = "transfer_out"  # the call left with a consenting colleague (rule A4)
    WRAP_END = "wrap_end"
    START_BREAK = "start_break"
    START_LUNCH = "start_lunch"
    START_PERSONAL = "start_personal"
    GO_AWAY = "go_away"


# States in which an agent is away from the phones; breaks and lunch count for rule B4.
AWAY_STATES = frozenset({AgentState.BREAK, AgentState.LUNCH, AgentState.PERSONAL, AgentState.AWAY})
ON_BREAK_STATES = frozenset({AgentState.BREAK, AgentState.LUNCH})
# States in which the agent has a call on hand; leaving is refused (rule B5).
BUSY_STATES = frozenset({AgentState.OFFERED, AgentState.ON_CALL, AgentState.WRAP_UP})
# States that count as "available" for a queue (rule B6): ready, or working its calls.
AVAILABLE_STATES = frozenset({AgentState.READY}) | BUSY_STATES

_LEAVE = {
    AgentEvent.START_BREAK: AgentState.BREAK,
    AgentEvent.START_LUNCH: AgentState.LUNCH,
    AgentEvent.START_PERSONAL: AgentState.PERSONAL,
    AgentEvent.GO_AWAY: AgentState.AWAY,
}

TRANSITIONS: dict[tuple[AgentState, AgentEvent], AgentState] = {
    (AgentState.LOGGED_OUT, AgentEvent.LOG_IN): AgentState.AWAY,
    (AgentState.READY, AgentEvent.OFFER): AgentState.OFFERED,
    (AgentState.OFFERED, AgentEvent.ACCEPT): AgentState.ON_CALL,
    (AgentState.OFFERED, AgentEvent.DECLINE): AgentState.AWAY,
    (AgentState.OFFERED, AgentEvent.OFFER_TIMEOUT): AgentState.AWAY,
    (AgentState.ON_CALL, AgentEvent.CALL_END): AgentState.WRAP_UP,
    (AgentState.ON_CALL, AgentEvent.TRANSFER_OUT): AgentState.WRAP_UP,
    (AgentState.WRAP_UP, AgentEvent.WRAP_END): AgentState.READY,
    **{(state, AgentEvent.MAKE_READY): AgentState.READY for state in AWAY_STATES},
    **{
        (state, AgentEvent.LOG_OUT): AgentState.LOGGED_OUT
        for state in AWAY_STATES | {AgentState.READY}
    },
    **{
        (state, event): target
        for state in (AgentState.READY, *AWAY_STATES)
        for event, target in _LEAVE.items()
        if state is not target
    },
}


class InvalidTransition(ValueError):
    def __init__(self, state: AgentState, event: AgentEvent) -> None:
        self.state = state
        self.event = event
        super().__init__(f"an agent in state {state} cannot {event}")


def next_state(state: AgentState, event: AgentEvent) -> AgentState:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(state, event) from None


def allowed_events(state: AgentState) -> frozenset[AgentEvent]:
    return frozenset(event for (source, event) in TRANSITIONS if source is state)


def leave_event(target: AgentState) -> AgentEvent:
    """The event that takes an agent to break, lunch, personal time or away."""
    for event, state in _LEAVE.items():
        if state is target:
            return event
    raise ValueError(f"{target} is not a state an agent leaves the phones for")
