"""What a roster is made of: the rules' numbers, agents, the problem, shifts and breaks, and
where a shift's parts fall in slots.

Time is cut into slots (15 min by default); minutes are counted from local midnight and day 0
of the horizon is a Monday. Every number is a parameter (`RosterRules`): the Django side fills
it from the rulebook.
"""

from dataclasses import dataclass, field
from math import ceil

from hotline.core.refusal import PolicyRefusal

WEEK = 7
WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class RosterRules:
    slot: int = 15  # minutes
    opens: int = 8 * 60 + 30  # D1, minutes after midnight
    closes: int = 17 * 60  # D1
    min_on_phones: int = 1  # D1: the centre is staffed whenever it is open
    weekly_minutes: int = 40 * 60  # D14
    days_off: int = 2  # D14
    meeting_weekday: int | None = 0  # D14: the weekly meeting, not counted in the hours
    meeting_starts: int = 8 * 60
    meeting_ends: int = 8 * 60 + 30
    prep_min: int = 15  # B1
    prep_max: int = 20  # B1
    short_breaks: int = 2  # B2
    short_break: int = 15  # B2, minutes
    lunches: int = 1  # B2
    lunch: int = 30  # B2, minutes
    lunch_paid: bool = False  # unpaid lunch lengthens the shift
    break_margin: int = 30  # no break in the first or last minutes of the phone time
    max_on_break: int = 1  # B4, of a team at once

    @property
    def work_days(self) -> int:
        return WEEK - self.days_off

    @property
    def daily_minutes(self) -> int:
        return self.weekly_minutes // self.work_days if self.work_days > 0 else 0


@dataclass(frozen=True)
class Agent:
    id: str
    team: str
    leave: frozenset[int] = frozenset()  # days of the horizon with approved leave


@dataclass(frozen=True)
class RosterProblem:
    weeks: int
    agents: tuple[Agent, ...]
    # Agents wanted on the phones: one row per day, one value per slot from opening to closing.
    required: tuple[tuple[int, ...], ...]
    open_days: tuple[bool, ...]  # per day of the horizon (holidays closed)
    rules: RosterRules = field(default_factory=RosterRules)

    @property
    def days(self) -> int:
        return self.weeks * WEEK


@dataclass(frozen=True)
class Break:
    kind: str  # "break" or "lunch"
    start: int  # minutes after midnight
    end: int


@dataclass(frozen=True)
class Shift:
    agent: str
    day: int
    prep_start: int  # B1: logged in and preparing from here ...
    start: int  # ... to the first call
    end: int
    breaks: tuple[Break, ...]
    meeting: bool  # attends the weekly meeting before the shift (not counted, D14)


@dataclass(frozen=True)
class Roster:
    shifts: tuple[Shift, ...]
    status: str
    objective: float
    lp_bound: float
    gap: float  # (objective - LP bound) / LP bound
    solver_bound: float
    wall_seconds: float
    shortfall: int  # agent-slots short of the requirement
    split_weeks: int  # agent-weeks whose days off are not consecutive
    weekend_spread: int  # most weekend days worked by an agent minus the fewest


@dataclass(frozen=True)
class Infeasible:
    """The rules can't all be kept with these agents: one refusal per rule that fails."""

    refusals: tuple[PolicyRefusal, ...]

    @property
    def rules(self) -> list[str]:
        return [r.rule_id for r in self.refusals]


@dataclass(frozen=True)
class Geometry:
    """Where a shift's parts fall, in slots, derived from the rules."""

    prep: int  # slots of preparation before the first call
    span: int  # slots from the first call to the end
    open_slot: int
    close_slot: int
    kinds: tuple[str, ...]  # breaks in the order they are taken
    lengths: tuple[int, ...]
    windows: tuple[tuple[int, int], ...]  # earliest and latest start offset of each break

    def starts(self, rules: RosterRules, weekday: int) -> range:
        first = self.open_slot
        if weekday == rules.meeting_weekday:
            # The meeting is over before the first call; the preparation may run into it (the
            # Monday 8:30 start logs in at the meeting). Meeting time before the preparation is
            # outside the counted hours (D14).
            first = max(first, ceil(rules.meeting_ends / rules.slot))
        return range(first, self.close_slot - self.span + 1)


def geometry(rules: RosterRules) -> Geometry:
    slot = rules.slot
    prep = ceil(rules.prep_min / slot)
    unpaid = 0 if rules.lunch_paid else rules.lunches * rules.lunch
    span = (rules.daily_minutes + unpaid) // slot - prep
    short = [("break", ceil(rules.short_break / slot))] * rules.short_breaks
    lunch = [("lunch", ceil(rules.lunch / slot))] * rules.lunches
    # Lunch in the middle, short breaks either side: that is how centres lay out a day.
    half = (len(short) + 1) // 2
    order = short[:half] + lunch + short[half:]
    margin = ceil(rules.break_margin / slot)
    inner = span - 2 * margin
    part = inner // len(order) if order else 0
    # Each break gets its own stretch of the shift, so breaks never overlap and spread out.
    windows = tuple(
        (margin + i * part, margin + (i + 1) * part - length) for i, (_, length) in enumerate(order)
    )
    return Geometry(
        prep=prep,
        span=span,
        open_slot=rules.opens // slot,
        close_slot=rules.closes // slot,
        kinds=tuple(k for k, _ in order),
        lengths=tuple(length for _, length in order),
        windows=windows,
    )


def target_days(problem: RosterProblem, agent: Agent, week: int) -> int:
    """Working days owed in a week: leave and holidays past the usual days off are credited."""
    days = range(week * WEEK, (week + 1) * WEEK)
    closed = sum(1 for d in days if not problem.open_days[d])
    leave = sum(1 for d in days if d in agent.leave and problem.open_days[d])
    credit = leave + max(0, closed - problem.rules.days_off)
    return max(0, problem.rules.work_days - credit)


def available(problem: RosterProblem, agent: Agent, day: int) -> bool:
    return problem.open_days[day] and day not in agent.leave
