"""Adherence (pure): the agent's state against the roster, minute by minute.

*Adherence* is the share of the scheduled minutes (preparation to the end of the shift) in
which the agent did what the roster said: logged in preparing, on the phones, or on the
planned break or lunch. *Conformance* is the time logged in over the time scheduled, whenever
it was worked. Both are computed from the floor's state events; nothing is sampled twice.
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.core.agent_states import AgentState

OFF, PREP, PHONES, BREAK, LUNCH = "off", "prep", "phones", "break", "lunch"
ON_PHONES = frozenset(
    {AgentState.READY, AgentState.OFFERED, AgentState.ON_CALL, AgentState.WRAP_UP}
)
EXPECTED: dict[str, frozenset[str]] = {
    OFF: frozenset({AgentState.LOGGED_OUT}),
    PREP: frozenset(AgentState) - {AgentState.LOGGED_OUT},
    PHONES: ON_PHONES,
    BREAK: frozenset({AgentState.BREAK}),
    LUNCH: frozenset({AgentState.LUNCH}),
}


@dataclass(frozen=True)
class PlannedDay:
    """One agent's shift on one day, as instants."""

    prep_start: datetime
    start: datetime
    end: datetime
    breaks: tuple[tuple[str, datetime, datetime], ...]  # kind, start, end


def activity(plan: PlannedDay | None, at: datetime) -> str:
    """What the roster says the agent does at `at`."""
    if plan is None or not plan.prep_start <= at < plan.end:
        return OFF
    if at < plan.start:
        return PREP
    for kind, begin, end in plan.breaks:
        if begin <= at < end:
            return LUNCH if kind == LUNCH else BREAK
    return PHONES


def adherent(expected: str, state: str) -> bool:
    return state in EXPECTED[expected]


def state_at(changes: Sequence[tuple[datetime, str]], at: datetime, before: str) -> str:
    """The state at `at`, from state changes in time order and the state before the first."""
    state = before
    for when, new in changes:
        if when > at:
            break
        state = new
    return state


@dataclass(frozen=True)
class DayAdherence:
    scheduled: timedelta
    adherent: timedelta
    logged_in: timedelta

    @property
    def adherence(self) -> float | None:
        return self.adherent / self.scheduled if self.scheduled else None

    @property
    def conformance(self) -> float | None:
        return self.logged_in / self.scheduled if self.scheduled else None


def day_adherence(
    plan: PlannedDay | None,
    changes: Iterable[tuple[datetime, str]],
    before: str,
    day_start: datetime,
    day_end: datetime,
) -> DayAdherence:
    """Adherence and conformance over [day_start, day_end), walking the state spans exactly."""
    points = sorted(c for c in changes if day_start <= c[0] < day_end)
    edges = [day_start, *(when for when, _ in points), day_end]
    if plan is not None:
        edges += [plan.prep_start, plan.start, plan.end]
        edges += [t for _, begin, end in plan.breaks for t in (begin, end)]
    edges = sorted({e for e in edges if day_start <= e <= day_end})
    scheduled = adhered = logged = timedelta(0)
    for left, right in itertools.pairwise(edges):
        state = state_at(points, left, before)
        expected = activity(plan, left)
        span = right - left
        if state != AgentState.LOGGED_OUT:
            logged += span
        if expected != OFF:
            scheduled += span
            if adherent(expected, state):
                adhered += span
    return DayAdherence(scheduled, adhered, logged)
