"""Shifts (B1, B5, B6): log-in at the start of a shift, log-out at its end, after the call
if the agent is on one, and not while callers wait with nobody else available."""

from __future__ import annotations

from typing import Any

from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.breaks import LeaveKind, Outcome, decide_leave
from hotline.sim.state import LOG_OUT_RETRY, SHIFT_START, SimState


class Shifts(SimState):
    """The handlers of log-in and log-out."""

    def shift_start(self, x: Any, t: float) -> None:
        """A shift starts: log in, and schedule the same shift the next day."""
        agent, day_start = x
        self.log_in(agent, t)
        shift = self._shift(agent, t - day_start)
        if day_start + 86400 + shift[0] < self.end:
            self.push(t + 86400, SHIFT_START, (agent, day_start + 86400))

    def _shift(self, agent: int, time_of_day: float) -> tuple[float, float]:
        for shift in self.agents[agent].shifts:
            if abs(shift.start - time_of_day) < 1e-6:
                return shift.start, shift.end
        raise AssertionError("no such shift")

    def log_in(self, agent: int, t: float, *, quiet: bool = False) -> None:
        if self.state[agent] is not AgentState.LOGGED_OUT:
            return
        self.move(agent, AgentEvent.LOG_IN)
        self.move(agent, AgentEvent.MAKE_READY)
        self.logged_in_at[agent] = t
        if not quiet:
            self.log(t, "log_in", "B1", agent=self.agents[agent].name)
        self.take_next(agent, t)

    def log_out(self, agent: int, t: float, since: float) -> None:
        state = self.state[agent]
        name = self.agents[agent].name
        if state is AgentState.LOGGED_OUT:
            return
        if state in (AgentState.OFFERED, AgentState.ON_CALL, AgentState.WRAP_UP):
            self.pending_logout[agent] = since  # B5: after the call
            return
        # B6 from any state off the phones too, as on the live floor: a not-ready agent is
        # refused while callers wait with nobody else available.
        decision = decide_leave(LeaveKind.AWAY, self._snapshot(agent, t), self.limits[agent])
        if decision.refusal is not None and decision.outcome is Outcome.REFUSED:
            if t - since < self.sc.logout_grace:
                self.refused(t, agent, "log_out_refused", decision.refusal)
                self.push(t + 60.0, LOG_OUT_RETRY, (agent, since))
                return
            self.log(
                t,
                "log_out_overridden",
                decision.refusal.rule_id,
                agent=name,
                detail="the team lead lets the agent go at the end of the shift",
            )
        self.router.agent_unready(agent)
        self.move(agent, AgentEvent.LOG_OUT)
        self.result.staffed += t - self.logged_in_at.pop(agent)
        self.log(t, "log_out", agent=name)
