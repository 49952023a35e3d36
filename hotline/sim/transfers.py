"""Transfers (A4, B10): an agent asks a ready colleague of the team to take the call; it
rings until the colleague accepts or declines."""

from __future__ import annotations

from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.floor import transfer_refusal
from hotline.sim.scenario import ScriptEvent
from hotline.sim.state import (
    C_FLAGS,
    C_QUEUE,
    C_SLOT,
    C_TALK_END,
    F_TRANSFERRED,
    TALK_END,
    TRANSFER_REPLY,
    WRAP_END,
    SimState,
)


class Transfers(SimState):
    """The handlers of a transfer."""

    def transfer(self, event: ScriptEvent, t: float) -> None:
        """A4: the agent asks a ready colleague to take the call; it rings until they answer."""
        assert event.agent is not None
        assert event.to is not None
        first, to = event.agent, event.to
        specs = self.agents
        refusal = transfer_refusal(
            on_own_call=self.state[first] is AgentState.ON_CALL,
            same_team_colleague=to != first and specs[to].team == specs[first].team,
            receiver_state=self.state[to],
            receiver_name=specs[to].name,
        )
        if refusal is not None:
            self.refused(t, first, "transfer_refused", refusal)
            return
        self.router.agent_unready(to)
        self.move(to, AgentEvent.OFFER)
        self.busy_since[to] = t
        self.transfers[to] = first
        self.log(t, "transfer_requested", "A4", agent=specs[first].name, to=specs[to].name)
        self.push(t + event.answer_after, TRANSFER_REPLY, (to, event.accept))

    def transfer_reply(self, x: tuple[int, bool], t: float) -> None:
        to, accept = x
        first = self.transfers.pop(to)
        call = self.agent_call[first]
        names = self.agents
        if accept and call is not None and self.state[first] is AgentState.ON_CALL:
            self.move(first, AgentEvent.TRANSFER_OUT)
            self.agent_call[first] = None
            self.move(to, AgentEvent.ACCEPT)
            self.agent_call[to] = call
            call[C_FLAGS] |= F_TRANSFERRED
            self.counters["transferred"][call[C_SLOT]] += 1
            self.push(call[C_TALK_END], TALK_END, to)
            wrap = self.queues[call[C_QUEUE]].wrap_up
            self.log(t, "transferred", "A4", agent=names[first].name, to=names[to].name)
            self.push(t + wrap, WRAP_END, first)
            return
        ready_since = self.busy_since.pop(to)
        self.result.handling += t - ready_since
        self.move(to, AgentEvent.DECLINE)
        self.move(to, AgentEvent.MAKE_READY)
        self.log(t, "transfer_declined", "A4", agent=names[first].name, to=names[to].name)
        self.take_next(to, t)
