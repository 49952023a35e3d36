"""Breaks and other leave (B2-B6): asked for from the roster or a script, decided by
`breaks.decide_leave`, retried after a refusal, and over after their allowed length."""

from __future__ import annotations

from hotline.core.agent_states import ON_BREAK_STATES, AgentEvent, AgentState, leave_event
from hotline.core.breaks import LeaveKind, Outcome, decide_leave
from hotline.sim.state import LEAVE_ASK, LEAVE_END, SimState


class Leaves(SimState):
    """The handlers of breaks and leave."""

    def ask_leave(self, agent: int, index: int, tries: int, t: float) -> None:
        planned = self.agents[agent].leaves[index]
        if self.state[agent] is AgentState.LOGGED_OUT:
            return
        self.request_leave(agent, planned.kind, t, planned.length, retry=(index, tries))

    def request_leave(
        self,
        agent: int,
        kind: LeaveKind,
        t: float,
        length: float | None,
        retry: tuple[int, int] | None = None,
    ) -> None:
        decision = decide_leave(kind, self._snapshot(agent, t), self.limits[agent])
        name = self.agents[agent].name
        if decision.outcome is Outcome.AFTER_CALL:
            self.pending[agent] = kind
            self.log(t, "leave_after_call", "B5", agent=name, kind=kind.value)
        elif decision.outcome is Outcome.START:
            self.start_leave(agent, kind, t, length)
        else:
            assert decision.refusal is not None
            self.refused(t, agent, f"{kind.value}_refused", decision.refusal)
            if retry is not None and decision.refusal.rule_id != "B2":
                index, tries = retry
                if tries < 12:
                    self.push(t + self.sc.retry_after, LEAVE_ASK, (agent, index, tries + 1))

    def start_leave(self, agent: int, kind: LeaveKind, t: float, length: float | None) -> None:
        self.router.agent_unready(agent)
        self.move(agent, leave_event(kind.state))
        taken = self.taken[agent]
        taken[kind] = taken.get(kind, 0) + 1
        allowed = self.limits[agent].length.get(kind)
        duration = allowed.total_seconds() if allowed is not None else (length or 900.0)
        self.log(
            t,
            "leave_started",
            "B2" if kind.is_break else "",
            agent=self.agents[agent].name,
            kind=kind.value,
            minutes=round(duration / 60, 1),
        )
        self.push(t + duration, LEAVE_END, agent)

    def leave_end(self, agent: int, t: float) -> None:
        """The leave's time is up: the agent is ready again (unless they went on already)."""
        if self.state[agent] in ON_BREAK_STATES or self.state[agent] in (
            AgentState.PERSONAL,
            AgentState.AWAY,
        ):
            self.move(agent, AgentEvent.MAKE_READY)
            self.log(t, "back", agent=self.agents[agent].name)
            self.take_next(agent, t)
