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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from heapq import heappop, heappush
from itertools import count
from math import log
from random import Random
from typing import Any

from hotline.core.agent_states import (
    AVAILABLE_STATES,
    ON_BREAK_STATES,
    AgentEvent,
    AgentState,
    leave_event,
    next_state,
)
from hotline.core.breaks import BreakLimits, FloorSnapshot, LeaveKind, Outcome, decide_leave
from hotline.core.floor import WaitAction, expected_wait, transfer_refusal, wait_action
from hotline.core.refusal import PolicyRefusal
from hotline.core.routing import FairRouter
from hotline.sim.scenario import AgentSpec, QueueSpec, Scenario, ScriptEvent

# Event codes (small ints: the heap compares (time, sequence) and never reaches them).
ARRIVE, TALK_END, WRAP_END, GIVE_UP, MAX_WAIT, ANSWER = 0, 1, 2, 3, 4, 5
SHIFT_START, SHIFT_END, LEAVE_ASK, LEAVE_END, SCRIPT, TRANSFER_REPLY, LOG_OUT_RETRY = range(6, 13)

# Per-slot counters (a slot is one interval of the day in one batch); see `Counters`.
COUNTERS = (
    "offered",
    "answered",
    "within",
    "abandoned",
    "short_abandoned",
    "overflowed",
    "to_callback",
    "wait_answered",
    "wait_abandoned",
    "handled",
    "handle_time",
    "over_limit",
    "transferred",
)

# A call is a small list while it is alive: these are its fields.
C_ID, C_QUEUE, C_PRIO, C_ARRIVED, C_SLOT, C_ANSWERED, C_TALK_END, C_FLAGS, C_HANDLE = range(9)
F_CALLBACK_OFFERED, F_OVERFLOWED, F_TRANSFERRED, F_CALLBACK = 1, 2, 4, 8

OFFER, ACCEPT, CALL_END, WRAP_DONE = (
    AgentEvent.OFFER,
    AgentEvent.ACCEPT,
    AgentEvent.CALL_END,
    AgentEvent.WRAP_END,
)


@dataclass
class RunResult:
    """What one replication leaves: counters, agent time, and the decision log."""

    slots: int  # batches * intervals per day, plus one slot for the warm-up
    intervals: int
    counters: dict[str, list[float]]
    staffed: float = 0.0
    handling: float = 0.0
    callbacks_made: int = 0
    callbacks_completed: int = 0
    answered_after_overflow: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    log_dropped: int = 0
    calls: list[tuple[float, float | None, float | None, float | None, int]] = field(
        default_factory=list
    )
    events: int = 0
    max_heap: int = 0


def _td(value: float) -> timedelta:
    return timedelta(seconds=value)


class Simulation:
    """One replication: build it, call `run()` once."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        batches: int = 1,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        self.sc = scenario
        self.rng = Random(seed)
        self.progress = progress
        self.rules = scenario.rulebook
        self.end = scenario.duration
        self.batches = batches
        self.intervals = round(86400 / scenario.interval)
        self.slots = batches * self.intervals + 1
        self.discard = self.slots - 1
        self.counters = {name: [0.0] * self.slots for name in COUNTERS}
        self.result = RunResult(self.slots, self.intervals, self.counters)
        # (time, code, payload): events at the same moment go by code, then payload
        self.heap: list[tuple[float, int, Any]] = []
        self.next_at: dict[int, float] = {}  # queue -> its next random arrival
        self.script_events: list[ScriptEvent] = []
        self.new_id = count(1).__next__
        self.router: FairRouter[float] = FairRouter()
        self.queues: dict[int, QueueSpec] = scenario.queue_index()
        self.agents: dict[int, AgentSpec] = {a.id: a for a in scenario.agents}
        self.state: dict[int, AgentState] = dict.fromkeys(self.agents, AgentState.LOGGED_OUT)
        self.agent_call: dict[int, list[Any] | None] = dict.fromkeys(self.agents)
        self.busy_since: dict[int, float] = {}
        self.logged_in_at: dict[int, float] = {}
        self.pending: dict[int, LeaveKind] = {}  # B5: leave asked for during a call
        self.pending_logout: dict[int, float] = {}  # agent -> when the shift ended
        self.leave_started: dict[int, float] = {}
        self.taken: dict[int, dict[LeaveKind, int]] = {a: {} for a in self.agents}
        self.taken_day: dict[int, int] = dict.fromkeys(self.agents, 0)
        self.waiting: dict[int, list[Any]] = {}  # call id -> call, while in a queue
        self.overflowed_at: dict[int, float] = {}  # call id -> when it joined the overflow group
        self.callback_calls: dict[int, list[Any]] = {}  # callback id -> its call, while due
        self.ringing: dict[int, int] = {}  # call id -> agent whose phone rings
        self.callbacks_due: dict[int, int] = dict.fromkeys(self.queues, 0)
        self.transfers: dict[int, int] = {}  # receiving agent -> first agent
        self.audit = bool(scenario.script) or scenario.keep_calls
        self.limits: dict[int, BreakLimits] = {}
        team_sizes: dict[int, int] = {}
        for spec in scenario.agents:
            team_sizes[spec.team] = team_sizes.get(spec.team, 0) + 1
            self.router.set_queues(spec.id, spec.queues)
        for spec in scenario.agents:
            self.limits[spec.id] = BreakLimits.for_team(
                self.rules,
                team_id=spec.team,
                team_size=team_sizes[spec.team],
                queue_ids=spec.queues,
            )
        # A1 for a call: its queue's, else its team's (the team of the agent on it), else the
        # centre's, as the live floor resolves it (hotline/calls/limits.py).
        self.max_talk = {
            a.id: {
                q: self.rules.duration("a1.max_talk", queue=q, team=a.team).total_seconds()
                for q in self.queues
            }
            for a in scenario.agents
        }
        self.max_wait = {q: self.rules.duration("a2.max_wait", queue=q) for q in self.queues}

    # -- scheduling -----------------------------------------------------------------------------

    def push(self, at: float, code: int, payload: Any) -> None:
        heappush(self.heap, (at, code, payload))

    def slot(self, t: float) -> int:
        sc = self.sc
        if t < sc.warmup:
            return self.discard
        batch = int((t - sc.warmup) * self.batches / (self.end - sc.warmup))
        if batch >= self.batches:
            batch = self.batches - 1
        return batch * self.intervals + int(t % 86400 // sc.interval)

    def next_arrival(self, spec: QueueSpec, t: float) -> float:
        rates = spec.arrivals.per_interval
        interval = self.sc.interval
        expo = self.rng.expovariate
        if len(rates) == 1:
            return t + expo(rates[0] / interval) if rates[0] > 0 else float("inf")
        if not any(rates):
            return float("inf")
        while True:
            k = int(t // interval)
            rate = rates[k % len(rates)] / interval
            boundary = (k + 1) * interval
            if rate > 0:
                at = t + expo(rate)
                if at < boundary:
                    return at
            t = boundary

    # -- the log --------------------------------------------------------------------------------

    def log(self, t: float, action: str, rule: str = "", **detail: Any) -> None:
        result = self.result
        if len(result.log) >= self.sc.log_limit:
            result.log_dropped += 1
            return
        entry = {"at": round(t, 3), "action": action, "rule": rule}
        entry.update(detail)
        result.log.append(entry)

    def refused(self, t: float, agent: int, action: str, refusal: PolicyRefusal) -> None:
        refusals = self.result.refusals
        refusals[refusal.rule_id] = refusals.get(refusal.rule_id, 0) + 1
        self.log(
            t,
            action,
            refusal.rule_id,
            agent=self.agents[agent].name,
            detail=refusal.render(),
            refused=True,
        )

    def move(self, agent: int, event: AgentEvent) -> AgentState:
        new = self.state[agent] = next_state(self.state[agent], event)
        return new

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

    # -- arrivals -------------------------------------------------------------------------------

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

    def keep(
        self, call: list[Any], ended: float, wrapped: float | None, *, abandoned: bool = False
    ) -> None:
        self.result.calls.append(
            (call[C_ARRIVED], call[C_ANSWERED], ended, wrapped, call[C_FLAGS] | (16 * abandoned))
        )

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
            agent, day_start = x
            self.log_in(agent, t)
            shift = self._shift(agent, t - day_start)
            if day_start + 86400 + shift[0] < self.end:
                self.push(t + 86400, SHIFT_START, (agent, day_start + 86400))
        elif code == SHIFT_END:
            self.log_out(x, t, t)
        elif code == LOG_OUT_RETRY:
            agent, since = x
            self.log_out(agent, t, since)
        elif code == LEAVE_ASK:
            agent, index, tries = x
            self.ask_leave(agent, index, tries, t)
        elif code == LEAVE_END:
            agent = x
            if self.state[agent] in ON_BREAK_STATES or self.state[agent] in (
                AgentState.PERSONAL,
                AgentState.AWAY,
            ):
                self.move(agent, AgentEvent.MAKE_READY)
                self.log(t, "back", agent=self.agents[agent].name)
                self.take_next(agent, t)
        elif code == SCRIPT:
            self.scripted(self.script_events[x], t)
        elif code == TRANSFER_REPLY:
            self.transfer_reply(x, t)

    def _shift(self, agent: int, time_of_day: float) -> tuple[float, float]:
        for shift in self.agents[agent].shifts:
            if abs(shift.start - time_of_day) < 1e-6:
                return shift.start, shift.end
        raise AssertionError("no such shift")

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

    # -- agents: shifts, breaks, transfers ------------------------------------------------------

    def log_in(self, agent: int, t: float, *, quiet: bool = False) -> None:
        if self.state[agent] is not AgentState.LOGGED_OUT:
            return
        self.move(agent, AgentEvent.LOG_IN)
        self.move(agent, AgentEvent.MAKE_READY)
        self.logged_in_at[agent] = t
        if not quiet:
            self.log(t, "log_in", "B1", agent=self.agents[agent].name)
        self.take_next(agent, t)

    def _snapshot(self, agent: int, t: float) -> FloorSnapshot:
        spec = self.agents[agent]
        day = int(t // 86400)
        if self.taken_day[agent] != day:
            self.taken_day[agent], self.taken[agent] = day, {}
        colleagues = [a for a in self.agents.values() if a.team == spec.team and a.id != agent]
        waiting = sum(self.router.waiting(q) - self.callbacks_due[q] for q in spec.queues)
        ringing = sum(
            1
            for a in colleagues
            if self.state[a.id] is AgentState.OFFERED and spec.queues & a.queues
        )
        return FloorSnapshot(
            agent_state=self.state[agent],
            taken_today=self.taken[agent],
            team_on_break=sum(1 for a in colleagues if self.state[a.id] in ON_BREAK_STATES),
            waiting_calls=waiting + ringing,
            callbacks_due=sum(self.callbacks_due[q] for q in spec.queues),
            available_others={
                q: sum(
                    1 for a in colleagues if q in a.queues and self.state[a.id] in AVAILABLE_STATES
                )
                for q in spec.queues
            },
            # B6: a call ringing on a colleague has an available agent; one waiting may not
            waiting_in={q: self.router.waiting(q) for q in spec.queues},
        )

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

    def finish(self) -> None:
        end = self.end
        for since in self.logged_in_at.values():
            self.result.staffed += end - since
        for since in self.busy_since.values():
            self.result.handling += end - since
        self.result.max_heap = len(self.heap)
