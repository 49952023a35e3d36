"""Calls waiting (A2, B8, B9): a call arrives and is routed or queued, is offered a callback,
reaches the maximum wait (overflow or callback), or its caller hangs up while the phone rings.

The general path of the event loop; `engine.Simulation.run` inlines the common steps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hotline.core.agent_states import AVAILABLE_STATES, AgentEvent
from hotline.core.floor import WaitAction, expected_wait, wait_action
from hotline.sim.scenario import QueueSpec
from hotline.sim.state import (
    C_ARRIVED,
    C_FLAGS,
    C_ID,
    C_PRIO,
    C_QUEUE,
    C_SLOT,
    F_CALLBACK,
    F_CALLBACK_OFFERED,
    F_OVERFLOWED,
    GIVE_UP,
    MAX_WAIT,
    SimState,
    _td,
)


class Waiting(SimState):
    """The handlers of calls in the queue."""

    def routed(
        self, agent: int, call: list[Any], t: float, candidates: list[int] | None = None
    ) -> None:
        """New work went to `agent` (the general path: audit trail, ringing phones)."""
        if self.audit:
            names = [self.agents[a].name for a in candidates or [agent]]
            self.log(
                t, "offered", "B9", call=call[C_ID], agent=self.agents[agent].name, candidates=names
            )
        self.connect(agent, call, t)

    def arrive(
        self,
        spec: QueueSpec,
        t: float,
        talk: float | None,
        give_up_after: float | None,
        priority: int | None,
        patience: Callable[[], float] | None,
        slot: int,
    ) -> None:
        cid = self.new_id()
        self.counters["offered"][slot] += 1
        prio = spec.priority if priority is None else priority
        call: list[Any] = [cid, spec.id, prio, t, slot, None, 0.0, 0, talk]
        audit = self.audit
        candidates = self.router.idle_line(spec.id) if audit else None
        agent = self.router.add_work(spec.id, prio, t, "call", cid)
        if agent is not None:
            if audit:
                assert candidates is not None
                self.log(
                    t,
                    "offered",
                    "B9",
                    call=cid,
                    agent=self.agents[agent].name,
                    candidates=[self.agents[a].name for a in candidates],
                )
            self.connect(agent, call, t)
            return
        self.waiting[cid] = call
        if give_up_after is None and patience is not None:
            give_up_after = patience()
        if give_up_after is not None:
            self.push(t + give_up_after, GIVE_UP, cid)
        if self.sc.textbook:
            return
        self.push(t + self.max_wait[spec.id].total_seconds(), MAX_WAIT, cid)
        if spec.callback_accept > 0:
            self.offer_callback(spec, call, t)

    def offer_callback(self, spec: QueueSpec, call: list[Any], t: float) -> None:
        """A2/B8: the expected wait passes the maximum: the caller is offered a callback."""
        serving = sum(
            1
            for a, s in self.state.items()
            if s in AVAILABLE_STATES and spec.id in self.agents[a].queues
        )
        remaining = expected_wait(self.router.waiting(spec.id), serving, _td(spec.handle_estimate))
        now = self.sc.start + _td(t)
        action = wait_action(
            arrived_at=now,
            now=now,
            max_wait=self.max_wait[spec.id],
            expected_remaining=remaining,
            callback_offered=False,
            overflow_configured=spec.overflow_to is not None,
        )
        if action is not WaitAction.OFFER_CALLBACK:
            return
        call[C_FLAGS] |= F_CALLBACK_OFFERED
        self.log(t, "callback_offered", "A2", call=call[C_ID])
        if self.rng.random() < spec.callback_accept:
            self.to_callback(call, t, "turned_into_callback", "B8")

    def to_callback(self, call: list[Any], t: float, action: str, rule: str) -> None:
        self.waiting.pop(call[C_ID], None)
        self.router.withdraw_work("call", call[C_ID])
        if not call[C_FLAGS] & F_OVERFLOWED:
            self.counters["to_callback"][call[C_SLOT]] += 1
        self.log(t, action, rule, call=call[C_ID])
        self.result.callbacks_made += 1
        cb: list[Any] = [
            self.new_id(),
            call[C_QUEUE],
            call[C_PRIO],
            t,
            call[C_SLOT],
            None,
            0.0,
            F_CALLBACK,
            None,
        ]
        self.callbacks_due[call[C_QUEUE]] += 1
        candidates = self.router.idle_line(call[C_QUEUE]) if self.audit else None
        agent = self.router.add_work(call[C_QUEUE], call[C_PRIO], t, "callback", cb[C_ID])
        if agent is not None:
            self.routed(agent, cb, t, candidates)
        else:
            self.callback_calls[cb[C_ID]] = cb

    def max_wait_reached(self, cid: int, t: float) -> None:
        """A2, as the floor's tick applies it: overflow, or a callback."""
        call = self.waiting.get(cid)
        if call is None:
            self.overflowed_at.pop(cid, None)
            return
        spec = self.queues[call[C_QUEUE]]
        # After an overflow the A2 clock counts from the moment the call joined the new group.
        queued = self.sc.start + _td(self.overflowed_at.get(cid, call[C_ARRIVED]))
        max_wait = self.max_wait[spec.id]
        now = max(self.sc.start + _td(t), queued + max_wait)
        action = wait_action(
            arrived_at=queued,
            now=now,
            max_wait=max_wait,
            expected_remaining=timedelta(0),
            callback_offered=bool(call[C_FLAGS] & F_CALLBACK_OFFERED),
            overflow_configured=spec.overflow_to is not None,
        )
        if action is WaitAction.OVERFLOW:
            assert spec.overflow_to is not None
            self.router.withdraw_work("call", cid)
            if not call[C_FLAGS] & F_OVERFLOWED:
                self.counters["overflowed"][call[C_SLOT]] += 1
            call[C_FLAGS] |= F_OVERFLOWED
            call[C_QUEUE] = spec.overflow_to
            self.log(t, "overflowed", "A2", call=cid, to=self.queues[spec.overflow_to].name)
            candidates = self.router.idle_line(spec.overflow_to) if self.audit else None
            agent = self.router.add_work(
                spec.overflow_to, call[C_PRIO], call[C_ARRIVED], "call", cid
            )
            if agent is not None:
                del self.waiting[cid]
                self.routed(agent, call, t, candidates)
            else:
                self.overflowed_at[cid] = t
                self.push(t + self.max_wait[spec.overflow_to].total_seconds(), MAX_WAIT, cid)
        elif action is WaitAction.TO_CALLBACK:
            self.overflowed_at.pop(cid, None)
            self.to_callback(call, t, "turned_into_callback", "A2")

    def give_up_ringing(self, cid: int, t: float) -> None:
        """The caller hangs up while the phone rings: the agent keeps their place in line."""
        agent = self.ringing.pop(cid)
        call = self.agent_call[agent]
        assert call is not None
        self.agent_call[agent] = None
        self.move(agent, AgentEvent.DECLINE)
        self.result.handling += t - self.busy_since.pop(agent)
        self.counters["abandoned"][call[C_SLOT]] += 1
        self.counters["wait_abandoned"][call[C_SLOT]] += t - call[C_ARRIVED]
        self.move(agent, AgentEvent.MAKE_READY)
        self.take_next(agent, t)
