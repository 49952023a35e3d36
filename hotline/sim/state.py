"""The simulated floor's state, shared by the event loop (`engine`) and its handlers
(`waiting`, `shifts`, `leaves`, `transfers`): event codes, counters, the call record, the log.

Every handler is a class over `SimState`; `engine.Simulation` puts them together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from heapq import heappush
from itertools import count
from random import Random
from typing import Any

from hotline.core.agent_states import (
    AVAILABLE_STATES,
    ON_BREAK_STATES,
    AgentEvent,
    AgentState,
    next_state,
)
from hotline.core.breaks import BreakLimits, FloorSnapshot, LeaveKind
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


class SimState:
    """One replication's floor: agents, calls waiting, counters; the helpers every handler uses."""

    # Set by `run()` (closures over its local tables, for speed); every handler may call them.
    take_next: Callable[[int, float], None]
    connect: Callable[[int, list[Any], float], None]
    answer: Callable[[int, list[Any], float], None]

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

    def keep(
        self, call: list[Any], ended: float, wrapped: float | None, *, abandoned: bool = False
    ) -> None:
        self.result.calls.append(
            (call[C_ARRIVED], call[C_ANSWERED], ended, wrapped, call[C_FLAGS] | (16 * abandoned))
        )

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

    def finish(self) -> None:
        end = self.end
        for since in self.logged_in_at.values():
            self.result.staffed += end - since
        for since in self.busy_since.values():
            self.result.handling += end - since
        self.result.max_heap = len(self.heap)
