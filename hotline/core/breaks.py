"""Breaks, lunch and leaving the phones: rules B2, B3, B4, B5 and B6, decided in one place."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from math import floor

from hotline.core.agent_states import BUSY_STATES, AgentState
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Rulebook


class LeaveKind(StrEnum):
    BREAK = "break"
    LUNCH = "lunch"
    PERSONAL = "personal"
    AWAY = "away"

    @property
    def state(self) -> AgentState:
        return AgentState(self.value)

    @property
    def is_break(self) -> bool:
        """Breaks and lunch are the ones rules B2, B3 and B4 limit."""
        return self in (LeaveKind.BREAK, LeaveKind.LUNCH)


@dataclass(frozen=True)
class BreakLimits:
    per_day: Mapping[LeaveKind, int]
    length: Mapping[LeaveKind, timedelta]
    max_on_break: int  # B4, already resolved from the count or the share of the team
    min_available: Mapping[int, int]  # B6, per queue id

    @classmethod
    def for_team(
        cls, rules: Rulebook, *, team_id: int, team_size: int, queue_ids: frozenset[int]
    ) -> "BreakLimits":
        share = rules.count("b4.max_on_break_share", team=team_id)
        count = rules.count("b4.max_on_break", team=team_id)
        return cls(
            per_day={
                LeaveKind.BREAK: rules.count("b2.short_breaks_per_day", team=team_id),
                LeaveKind.LUNCH: rules.count("b2.lunches_per_day", team=team_id),
            },
            length={
                LeaveKind.BREAK: rules.duration("b2.short_break_length", team=team_id),
                LeaveKind.LUNCH: rules.duration("b2.lunch_length", team=team_id),
            },
            max_on_break=max(1, floor(team_size * share / 100)) if share else count,
            min_available={q: rules.count("b6.min_available_agents", queue=q) for q in queue_ids},
        )


@dataclass(frozen=True)
class FloorSnapshot:
    """What the floor looks like to one agent asking to leave, read under the team's lock."""

    agent_state: AgentState
    taken_today: Mapping[LeaveKind, int]
    team_on_break: int  # colleagues on break or lunch now
    waiting_calls: int  # in the agent's queues
    callbacks_due: int  # in the agent's queues, due now (they count as waiting, rule B8)
    available_others: Mapping[int, int]  # per queue: colleagues ready or on calls
    # per queue: calls waiting or ringing and callbacks due (B6: who would be stranded)
    waiting_in: Mapping[int, int] = field(default_factory=dict)


class Outcome(StrEnum):
    START = "start"
    AFTER_CALL = "after_call"  # B5: starts when the call and its wrap-up end
    REFUSED = "refused"


@dataclass(frozen=True)
class BreakDecision:
    outcome: Outcome
    refusal: PolicyRefusal | None = None


# The rules a team lead may override for a leave (B5 never: no one leaves a call in progress).
OVERRIDABLE_RULES = ("B2", "B3", "B4", "B6")


def decide_leave(kind: LeaveKind, floor: FloorSnapshot, limits: BreakLimits) -> BreakDecision:
    """Start now, start after the call, or refuse naming the rule."""
    refusal = _b2_quota(kind, floor, limits)
    if refusal:
        return BreakDecision(Outcome.REFUSED, refusal)
    if floor.agent_state in BUSY_STATES:
        return BreakDecision(Outcome.AFTER_CALL)  # B5: never leave a call in progress
    refusal = _b3_calls_waiting(kind, floor) or _b4_staggered(kind, floor, limits)
    refusal = refusal or _b6_queue_stays_staffed(floor, limits)
    if refusal:
        return BreakDecision(Outcome.REFUSED, refusal)
    return BreakDecision(Outcome.START)


def leave_refusals(
    kind: LeaveKind, floor: FloorSnapshot, limits: BreakLimits
) -> list[PolicyRefusal]:
    """Every rule that refuses this leave now, in the order `decide_leave` checks them: what a
    team lead's override sets aside (and names in the audit). B5 is not among them: an agent
    on a call can't be sent away from it."""
    checks = (
        _b2_quota(kind, floor, limits),
        _b3_calls_waiting(kind, floor),
        _b4_staggered(kind, floor, limits),
        _b6_queue_stays_staffed(floor, limits),
    )
    return [refusal for refusal in checks if refusal is not None]


def _b2_quota(kind: LeaveKind, floor: FloorSnapshot, limits: BreakLimits) -> PolicyRefusal | None:
    allowed = limits.per_day.get(kind)
    if allowed is None or floor.taken_today.get(kind, 0) < allowed:
        return None
    return PolicyRefusal(
        "B2",
        gettext_noop("You have had all %(allowed)s of today's %(kind)s breaks."),
        {"allowed": allowed, "kind": kind.value},
    )


def _b3_calls_waiting(kind: LeaveKind, floor: FloorSnapshot) -> PolicyRefusal | None:
    if not kind.is_break or (floor.waiting_calls == 0 and floor.callbacks_due == 0):
        return None
    return PolicyRefusal(
        "B3",
        gettext_noop(
            "No break while customers wait (calls in the queue: %(calls)s, callbacks due: "
            "%(callbacks)s). Ask again when the queue is empty."
        ),
        {"calls": floor.waiting_calls, "callbacks": floor.callbacks_due},
    )


def _b4_staggered(
    kind: LeaveKind, floor: FloorSnapshot, limits: BreakLimits
) -> PolicyRefusal | None:
    if not kind.is_break or floor.team_on_break < limits.max_on_break:
        return None
    return PolicyRefusal(
        "B4",
        gettext_noop(
            "Breaks are staggered: %(on_break)s of your team already on break, at most "
            "%(limit)s at a time."
        ),
        {"on_break": floor.team_on_break, "limit": limits.max_on_break},
    )


def _b6_queue_stays_staffed(floor: FloorSnapshot, limits: BreakLimits) -> PolicyRefusal | None:
    """B6 counts the colleagues who can serve the queue: ready, or on its calls (they are ready
    again after them). Someone not ready (away, on a break, or who just declined a call) is not
    available, so their leaving takes no one off the phones: it is refused only while customers
    wait in the queue with too few available colleagues, since the one leaving is then the
    last who could still make ready and serve them. An available agent leaving always leaves
    the queue the planned minimum."""
    available = floor.agent_state is AgentState.READY
    for queue_id, needed in sorted(limits.min_available.items()):
        left = floor.available_others.get(queue_id, 0)
        if left >= needed:
            continue
        if available:
            return PolicyRefusal(
                "B6",
                gettext_noop(
                    "Someone must stay on the phones: only %(left)s other agents of the queue "
                    "would remain, at least %(needed)s are needed."
                ),
                {"left": left, "needed": needed, "queue": queue_id},
            )
        waiting = floor.waiting_in.get(queue_id, 0)
        if waiting:
            return PolicyRefusal(
                "B6",
                gettext_noop(
                    "Customers are waiting (%(waiting)s) and only %(left)s other agents of the "
                    "queue are available, at least %(needed)s are needed: make ready to serve "
                    "them, or ask your team lead."
                ),
                {"waiting": waiting, "left": left, "needed": needed, "queue": queue_id},
            )
    return None


def break_overrun(
    kind: LeaveKind, started_at: datetime, now: datetime, limits: BreakLimits
) -> timedelta | None:
    """B2: how long a break or lunch has run over its allowed length, or None if it hasn't."""
    allowed = limits.length.get(kind)
    if allowed is None:
        return None
    over = now - started_at - allowed
    return over if over > timedelta(0) else None
