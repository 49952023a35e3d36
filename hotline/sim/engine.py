"""The event loop: one replication of a scenario through the live rule core.

Time is the simulation's own: seconds after `Scenario.start`, advanced by a heap of events.
Every decision is the call floor's own function:

- agent states: `agent_states.next_state` for every move (offer, accept, call end, wrap-up end,
  breaks, log-in and log-out), so the simulator cannot do what the floor would refuse;
- routing (B9): `routing.FairRouter`, the very structure `routing.route` uses on the floor;
- waiting (A2, B8): `floor.wait_action` and `floor.expected_wait` at the maximum wait;
- breaks and leaving (B2-B6): `breaks.decide_leave` on a `FloorSnapshot` of the simulated
  floor, with `BreakLimits.for_team` read from the scenario's rulebook;
- transfers (A4, B10): `floor.transfer_refusal`, then consent or not;
- numbers: `Rulebook` with the scenario's overrides over the defaults of POLICIES.md.

Only counters are kept (per batch and interval of the day), so memory does not grow with the
length of the run unless the scenario asks for every call (`keep_calls`).
"""

from __future__ import annotations

from heapq import heappop, heappush
from math import log
from typing import Any

from hotline.core.agent_states import AgentEvent, AgentState, next_state
from hotline.core.breaks import LeaveKind, Outcome, decide_leave
from hotline.sim.leaves import Leaves
from hotline.sim.scenario import ScriptEvent
from hotline.sim.shifts import Shifts
from hotline.sim.state import (
    ANSWER,
    ARRIVE,
    C_ANSWERED,
    C_ARRIVED,
    C_FLAGS,
    C_HANDLE,
    C_ID,
    C_QUEUE,
    C_SLOT,
    C_TALK_END,
    F_CALLBACK,
    F_OVERFLOWED,
    GIVE_UP,
    LEAVE_ASK,
    LEAVE_END,
    LOG_OUT_RETRY,
    MAX_WAIT,
    SCRIPT,
    SHIFT_END,
    SHIFT_START,
    TALK_END,
    TRANSFER_REPLY,
    WRAP_END,
    RunResult,
)
from hotline.sim.transfers import Transfers
from hotline.sim.waiting import Waiting

OFFER, ACCEPT, CALL_END, WRAP_DONE = (
    AgentEvent.OFFER,
    AgentEvent.ACCEPT,
    AgentEvent.CALL_END,
    AgentEvent.WRAP_END,
)


class Simulation(Shifts, Leaves, Transfers, Waiting):
    """One replication: build it, call `run()` once. The handlers of rare events are in the
    sibling modules (`shifts`, `leaves`, `transfers`, `waiting`); the state in `state`."""

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> RunResult:
        """The event loop. The common steps (a call arrives and is answered at once, a call
        ends, an agent takes the next waiting call, a caller hangs up) are written out inline;
        they make the same core calls as the general path (`connect`, `answer`, `take_next`),
        which handles the rest: ringing phones, callbacks, overflow, audits."""
        sc, rng = self.sc, self.rng
        handle = {q.id: q.handle.sampler(rng) for q in sc.queues}
        patience = {q.id: q.patience.sampler(rng) if q.patience else None for q in sc.queues}
        heap, router, counters = self.heap, self.router, self.counters
        offered, answered, within = counters["offered"], counters["answered"], counters["within"]
        abandoned, short_abandoned = counters["abandoned"], counters["short_abandoned"]
        wait_answered, wait_abandoned = counters["wait_answered"], counters["wait_abandoned"]
        handled, handle_time = counters["handled"], counters["handle_time"]
        over_limit = counters["over_limit"]
        state, agent_call, busy_since = self.state, self.agent_call, self.busy_since
        waiting, pending, max_talk = self.waiting, self.pending, self.max_talk
        pending_logout = self.pending_logout
        threshold, short_abandon, end = sc.threshold, sc.short_abandon, self.end
        textbook, audit = sc.textbook, self.audit
        wrap = {q.id: q.wrap_up for q in sc.queues}
        answer_after = {q.id: q.answer_after for q in sc.queues}
        # Queues where a call is answered the moment it is offered take the inline path.
        quick = {q.id: not q.answer_after and not audit for q in sc.queues}
        specs = self.queues
        add_work, agent_ready, withdraw = router.add_work, router.agent_ready, router.withdraw_work
        next_arrival = self.next_arrival
        nstate = next_state
        pop, push = heappop, heappush
        new_id = self.new_id
        progress, events, next_progress = self.progress, 0, end / 100
        keep = sc.keep_calls
        result = self.result
        max_wait = {q: w.total_seconds() for q, w in self.max_wait.items()}
        slot, slot_until = self.slot_span(0.0)
        handling = 0.0  # agents' handling time, added to the result at the end
        uniform = rng.random
        # Queues with one rate all day: the gap to the next arrival is exponential.
        steady = {
            q.id: sc.interval / q.arrivals.per_interval[0]
            if len(q.arrivals.per_interval) == 1 and q.arrivals.per_interval[0] > 0
            else 0.0
            for q in sc.queues
        }

        def connect(agent: int, call: list[Any], t: float) -> None:
            """B9 chose `agent` for the call: it rings, is answered, and talk starts."""
            state[agent] = nstate(state[agent], OFFER)
            busy_since[agent] = t
            if call[C_FLAGS] & F_CALLBACK:
                self.callbacks_due[call[C_QUEUE]] -= 1
            ring = answer_after[call[C_QUEUE]]
            if ring:
                self.ringing[call[C_ID]] = agent
                agent_call[agent] = call
                push(heap, (t + ring, ANSWER, agent))
                return
            answer(agent, call, t)

        def answer(agent: int, call: list[Any], t: float) -> None:
            state[agent] = nstate(state[agent], ACCEPT)
            call[C_ANSWERED] = t
            flags = call[C_FLAGS]
            if not flags & (F_OVERFLOWED | F_CALLBACK):
                slot = call[C_SLOT]
                wait = t - call[C_ARRIVED]
                answered[slot] += 1
                wait_answered[slot] += wait
                if wait <= threshold:
                    within[slot] += 1
            elif flags & F_OVERFLOWED:
                result.answered_after_overflow += 1
            agent_call[agent] = call
            talk = call[C_HANDLE]
            talk_end = call[C_TALK_END] = t + (handle[call[C_QUEUE]]() if talk is None else talk)
            push(heap, (talk_end, TALK_END, agent))

        def take_next(agent: int, t: float) -> None:
            """The agent is ready: the fairest waiting work of their queues, or the idle line."""
            work = agent_ready(agent, t)
            if work is not None:
                kind, work_id = work[2], work[3]
                call = waiting.pop(work_id) if kind == "call" else self.callback_calls.pop(work_id)
                if audit:
                    self.log(
                        t,
                        "offered",
                        "B9",
                        agent=self.agents[agent].name,
                        call=call[C_ID],
                        kind=kind,
                        candidates=[self.agents[agent].name],
                    )
                connect(agent, call, t)

        self.take_next, self.connect, self.answer = take_next, connect, answer
        self._schedule_start()

        # Random arrivals are not on the heap: each queue's next one is kept aside and the
        # loop takes whichever comes first, the next arrival or the heap's next event.
        next_at = self.next_at
        single = len(next_at) == 1
        arrive_at, arrive_queue = min(
            ((at, q) for q, at in next_at.items()), default=(float("inf"), 0)
        )
        while True:
            if heap and heap[0][0] <= arrive_at:
                t, code, x = pop(heap)
            else:
                t, code, x = arrive_at, ARRIVE, arrive_queue
            if t > end:
                break
            events += 1
            if code == ARRIVE:
                spec = specs[x]
                mean_gap = steady[x]
                nxt = t - mean_gap * log(1.0 - uniform()) if mean_gap else next_arrival(spec, t)
                if single:
                    arrive_at = nxt
                else:
                    next_at[x] = nxt
                    arrive_at, arrive_queue = min((at, q) for q, at in next_at.items())
                if t >= slot_until:
                    slot, slot_until = self.slot_span(t)
                if audit:
                    self.arrive(spec, t, None, None, None, patience[x], slot)
                    continue
                offered[slot] += 1
                cid = new_id()
                prio = spec.priority
                call = [cid, x, prio, t, slot, None, 0.0, 0, None]
                agent = add_work(x, prio, t, "call", cid)
                if agent is None:
                    waiting[cid] = call
                    give_up = patience[x]
                    gives_up_at = t + give_up() if give_up is not None else end + 1.0
                    if gives_up_at <= end:
                        push(heap, (gives_up_at, GIVE_UP, cid))
                    if not textbook:
                        if t + max_wait[x] < gives_up_at:
                            # A2 looks at calls still waiting at the maximum (one who has
                            # hung up by then is not looked at: no event).
                            push(heap, (t + max_wait[x], MAX_WAIT, cid))
                        # B8: the callback is offered on arrival, whatever the caller's
                        # patience turns out to be (as `arrive` and the floor do).
                        if spec.callback_accept > 0:
                            self.offer_callback(spec, call, t)
                elif quick[x]:
                    # Offered and answered at once: the two moves of the state machine.
                    state[agent] = nstate(nstate(state[agent], OFFER), ACCEPT)
                    busy_since[agent] = t
                    call[C_ANSWERED] = t
                    answered[slot] += 1
                    within[slot] += 1  # waited 0 s
                    agent_call[agent] = call
                    talk_end = call[C_TALK_END] = t + handle[x]()
                    push(heap, (talk_end, TALK_END, agent))
                else:
                    self.routed(agent, call, t)
                if progress is not None and t >= next_progress:
                    progress(t / end)
                    next_progress = t + end / 100
                continue
            if code == TALK_END:
                talking = agent_call[x]
                if talking is None or talking[C_TALK_END] != t:
                    continue  # the call moved on (transferred)
                call = talking
                state[x] = nstate(state[x], CALL_END)
                agent_call[x] = None
                queue_id = call[C_QUEUE]
                slot_of_call = call[C_SLOT]
                talked = t - call[C_ANSWERED]
                if talked > max_talk[x][queue_id]:
                    over_limit[slot_of_call] += 1
                if call[C_FLAGS] & F_CALLBACK:
                    result.callbacks_completed += 1
                wrap_up = wrap[queue_id]
                handled[slot_of_call] += 1
                handle_time[slot_of_call] += talked + wrap_up
                if keep:
                    self.keep(call, t, t + wrap_up)
                if wrap_up:
                    push(heap, (t + wrap_up, WRAP_END, x))
                    continue
                code = WRAP_END
            elif code == GIVE_UP:
                gone = waiting.pop(x, None)
                if gone is None:
                    if x in self.ringing:
                        self.give_up_ringing(x, t)
                    continue
                call = gone
                withdraw("call", x)
                if not call[C_FLAGS] & F_OVERFLOWED:
                    slot_of_call = call[C_SLOT]
                    waited = t - call[C_ARRIVED]
                    abandoned[slot_of_call] += 1
                    wait_abandoned[slot_of_call] += waited
                    if waited <= short_abandon:
                        short_abandoned[slot_of_call] += 1
                if keep:
                    self.keep(call, t, None, abandoned=True)
                continue
            if code == WRAP_END:
                state[x] = nstate(state[x], WRAP_DONE)
                handling += t - busy_since.pop(x)
                if x in pending or x in pending_logout:
                    self.after_call(x, t)
                    continue
                work = agent_ready(x, t)
                if work is None:
                    continue
                if work[2] == "call" and not audit:
                    call = waiting.pop(work[3])
                    queue_id = call[C_QUEUE]
                    if answer_after[queue_id] or call[C_FLAGS]:
                        connect(x, call, t)
                        continue
                    # The longest-waiting call of the agent's queues, answered at once.
                    state[x] = nstate(nstate(state[x], OFFER), ACCEPT)
                    busy_since[x] = t
                    call[C_ANSWERED] = t
                    slot_of_call = call[C_SLOT]
                    wait = t - call[C_ARRIVED]
                    answered[slot_of_call] += 1
                    wait_answered[slot_of_call] += wait
                    if wait <= threshold:
                        within[slot_of_call] += 1
                    agent_call[x] = call
                    talk = call[C_HANDLE]
                    talk_end = call[C_TALK_END] = t + (handle[queue_id]() if talk is None else talk)
                    push(heap, (talk_end, TALK_END, x))
                else:
                    self.routed_work(x, work, t)
                continue
            self.rare(code, x, t)
        result.handling += handling
        self.finish()
        result.events = events
        return result

    def routed_work(self, agent: int, work: tuple[int, float, str, int], t: float) -> None:
        """A ready agent took waiting work (the general path: callbacks, audit trail)."""
        kind, work_id = work[2], work[3]
        call = self.waiting.pop(work_id) if kind == "call" else self.callback_calls.pop(work_id)
        if self.audit:
            self.log(t, "offered", "B9", agent=self.agents[agent].name, call=call[C_ID], kind=kind)
        self.connect(agent, call, t)

    def slot_span(self, t: float) -> tuple[int, float]:
        """The counters' slot of moment `t` and the moment it changes."""
        sc = self.sc
        if t < sc.warmup:
            return self.discard, sc.warmup
        span = (self.end - sc.warmup) / self.batches
        batch = min(int((t - sc.warmup) / span), self.batches - 1)
        interval = int(t % 86400 // sc.interval)
        batch_end = sc.warmup + (batch + 1) * span if batch < self.batches - 1 else float("inf")
        interval_end = t - t % sc.interval + sc.interval
        return batch * self.intervals + interval, min(batch_end, interval_end)

    # -- rare events ----------------------------------------------------------------------------

    def rare(self, code: int, x: Any, t: float) -> None:
        if code == MAX_WAIT:
            self.max_wait_reached(x, t)
        elif code == ANSWER:
            call = self.agent_call[x]
            if call is not None and self.state[x] is AgentState.OFFERED:
                self.ringing.pop(call[C_ID], None)
                self.answer(x, call, t)
        elif code == SHIFT_START:
            self.shift_start(x, t)
        elif code == SHIFT_END:
            self.log_out(x, t, t)
        elif code == LOG_OUT_RETRY:
            agent, since = x
            self.log_out(agent, t, since)
        elif code == LEAVE_ASK:
            agent, index, tries = x
            self.ask_leave(agent, index, tries, t)
        elif code == LEAVE_END:
            self.leave_end(x, t)
        elif code == SCRIPT:
            self.scripted(self.script_events[x], t)
        elif code == TRANSFER_REPLY:
            self.transfer_reply(x, t)

    def _schedule_start(self) -> None:
        sc = self.sc
        for spec in sc.queues:
            if spec.arrivals.recorded:
                for moment in spec.arrivals.recorded:
                    if moment <= self.end:
                        self.script_events.append(ScriptEvent(moment, "call", queue=spec.id))
                        self.push(moment, SCRIPT, len(self.script_events) - 1)
            else:
                self.next_at[spec.id] = self.next_arrival(spec, 0.0)
        for agent in sc.agents:
            if not agent.shifts:
                self.log_in(agent.id, 0.0, quiet=True)
            for shift in agent.shifts:
                if shift.start < self.end:
                    self.push(shift.start, SHIFT_START, (agent.id, 0.0))
                days = int(self.end // 86400) + 1
                for day in range(days):
                    if day * 86400 + shift.end <= self.end:
                        self.push(day * 86400 + shift.end, SHIFT_END, agent.id)
            if not sc.textbook:
                days = int(self.end // 86400) + 1
                for index, leave in enumerate(agent.leaves):
                    for day in range(days):
                        if day * 86400 + leave.at <= self.end:
                            self.push(day * 86400 + leave.at, LEAVE_ASK, (agent.id, index, 0))
        for event in sc.script:
            self.script_events.append(event)
            self.push(event.at, SCRIPT, len(self.script_events) - 1)

    def after_call(self, agent: int, t: float) -> None:
        """B5: the call and its wrap-up are over; a leave asked for meanwhile is decided again."""
        kind = self.pending.pop(agent, None)
        if agent in self.pending_logout:
            self.log_out(agent, t, self.pending_logout.pop(agent))
            return
        if kind is not None:
            decision = decide_leave(kind, self._snapshot(agent, t), self.limits[agent])
            if decision.outcome is Outcome.START:
                self.start_leave(agent, kind, t, None)
                return
            if decision.refusal is not None:
                self.refused(t, agent, f"{kind.value}_refused", decision.refusal)
        self.take_next(agent, t)

    def scripted(self, event: ScriptEvent, t: float) -> None:
        kind = event.event
        if kind == "call":
            assert event.queue is not None
            spec = self.queues[event.queue]
            rng = self.rng
            talk = event.handle if event.handle is not None else spec.handle.sampler(rng)()
            patience = (
                event.patience
                if event.patience is not None
                else (spec.patience.sampler(rng)() if spec.patience else None)
            )
            self.arrive(spec, t, talk, patience, event.priority, None, self.slot(t))
            return
        assert event.agent is not None
        agent = event.agent
        if kind in ("break", "lunch", "personal", "away"):
            self.request_leave(agent, LeaveKind(kind), t, event.handle)
        elif kind == "ready":
            if self.state[agent] in (
                AgentState.BREAK,
                AgentState.LUNCH,
                AgentState.PERSONAL,
                AgentState.AWAY,
            ):
                self.move(agent, AgentEvent.MAKE_READY)
                self.take_next(agent, t)
        elif kind == "log_in":
            self.log_in(agent, t)
        elif kind == "log_out":
            self.log_out(agent, t, t - self.sc.logout_grace)
        elif kind == "transfer":
            self.transfer(event, t)
