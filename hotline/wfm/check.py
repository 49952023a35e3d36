"""An independent check of a roster against the rules, by rule id (imports no solver code).

It reads only the rules, the calendar, the leave and the shifts as published (times in
minutes), never the solver's model: a roster that breaks a rule is caught whatever the model
got wrong. Coverage and the break limits are checked minute by minute.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hotline.wfm.shifts import WEEK, RosterProblem, Shift

DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Violation:
    rule: str
    what: str
    where: dict[str, object] = field(default_factory=dict)


def check(problem: RosterProblem, shifts: Sequence[Shift]) -> list[Violation]:
    return [
        *_one_shift_a_day(shifts),
        *_opening_hours(problem, shifts),
        *_preparation(problem, shifts),
        *_breaks(problem, shifts),
        *_staggered(problem, shifts),
        *_weekly_hours(problem, shifts),
        *_staffed(problem, shifts),
    ]


def _one_shift_a_day(shifts: Iterable[Shift]) -> list[Violation]:
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for s in shifts:
        seen[s.agent, s.day] += 1
    return [
        Violation("D14", "more than one shift a day", {"agent": a, "day": d})
        for (a, d), n in seen.items()
        if n > 1
    ]


def _opening_hours(problem: RosterProblem, shifts: Iterable[Shift]) -> list[Violation]:
    rules, found = problem.rules, []
    leave = {a.id: a.leave for a in problem.agents}
    for s in shifts:
        where = {"agent": s.agent, "day": s.day}
        if not 0 <= s.day < problem.days or not problem.open_days[s.day]:
            found.append(Violation("D1", "shift on a closed day", where))
        if s.start < rules.opens or s.end > rules.closes or s.end <= s.start:
            found.append(Violation("D1", "phone time outside the opening hours", where))
        if s.day in leave.get(s.agent, frozenset()):
            found.append(Violation("D14", "shift on a day of approved leave", where))
        if s.day % WEEK == rules.meeting_weekday and (
            not s.meeting or s.start < rules.meeting_ends
        ):
            found.append(Violation("D14", "meeting day shift without the meeting first", where))
    return found


def _preparation(problem: RosterProblem, shifts: Iterable[Shift]) -> list[Violation]:
    rules = problem.rules
    return [
        Violation("B1", "preparation too short or too long", {"agent": s.agent, "day": s.day})
        for s in shifts
        if not rules.prep_min <= s.start - s.prep_start <= rules.prep_max
    ]


def _breaks(problem: RosterProblem, shifts: Iterable[Shift]) -> list[Violation]:
    rules, found = problem.rules, []
    allowed = {
        "break": (rules.short_breaks, rules.short_break),
        "lunch": (rules.lunches, rules.lunch),
    }
    for s in shifts:
        where = {"agent": s.agent, "day": s.day}
        for kind, (count, minutes) in allowed.items():
            taken = [b for b in s.breaks if b.kind == kind]
            if len(taken) != count or any(b.end - b.start != minutes for b in taken):
                found.append(Violation("B2", f"{kind}: wrong number or length", where))
        if any(b.kind not in allowed for b in s.breaks):
            found.append(Violation("B2", "unknown kind of break", where))
        if any(b.start < s.start or b.end > s.end for b in s.breaks):
            found.append(Violation("B2", "break outside the phone time", where))
        ordered = sorted(s.breaks, key=lambda b: b.start)
        if any(x.end > y.start for x, y in itertools.pairwise(ordered)):
            found.append(Violation("B2", "breaks overlap", where))
    return found


def _staggered(problem: RosterProblem, shifts: Iterable[Shift]) -> list[Violation]:
    """B4 minute by minute: how many of each team are on a break or lunch."""
    team = {a.id: a.team for a in problem.agents}
    away: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * DAY_MINUTES)
    for s in shifts:
        minutes = away[team.get(s.agent, ""), s.day]
        for b in s.breaks:
            for m in range(max(b.start, 0), min(b.end, DAY_MINUTES)):
                minutes[m] += 1
    found = []
    for (name, day), minutes in sorted(away.items()):
        worst = max(minutes)
        if worst > problem.rules.max_on_break:
            found.append(
                Violation(
                    "B4",
                    "too many of a team on break at once",
                    {"team": name, "day": day, "on_break": worst},
                )
            )
    return found


def expected_days(problem: RosterProblem, agent_leave: frozenset[int], week: int) -> int:
    """Working days owed in a week (D14): leave on open days and holidays beyond the usual
    days off are credited as worked."""
    rules = problem.rules
    days = range(week * WEEK, (week + 1) * WEEK)
    closed = sum(1 for d in days if not problem.open_days[d])
    leave = sum(1 for d in days if d in agent_leave and problem.open_days[d])
    return max(0, WEEK - rules.days_off - leave - max(0, closed - rules.days_off))


def counted_minutes(problem: RosterProblem, shift: Shift) -> int:
    """Paid time of a shift: from the start of the preparation to the end, less an unpaid
    lunch. Meeting time before the preparation is not counted (D14)."""
    rules = problem.rules
    lunch = (
        0 if rules.lunch_paid else sum(b.end - b.start for b in shift.breaks if b.kind == "lunch")
    )
    return shift.end - shift.prep_start - lunch


def _weekly_hours(problem: RosterProblem, shifts: Iterable[Shift]) -> list[Violation]:
    rules, found = problem.rules, []
    per_day = rules.weekly_minutes // (WEEK - rules.days_off)
    by_week: dict[tuple[str, int], list[Shift]] = defaultdict(list)
    for s in shifts:
        by_week[s.agent, s.day // WEEK].append(s)
    for agent in problem.agents:
        for week in range(problem.weeks):
            worked = by_week.get((agent.id, week), [])
            owed = expected_days(problem, agent.leave, week)
            minutes = sum(counted_minutes(problem, s) for s in worked)
            where = {"agent": agent.id, "week": week, "minutes": minutes, "days": len(worked)}
            if len(worked) != owed or minutes != owed * per_day:
                found.append(Violation("D14", "weekly hours or days off not kept", where))
    return found


def phones_by_minute(problem: RosterProblem, shifts: Iterable[Shift]) -> dict[int, list[int]]:
    """Agents on the phones (in a shift, past the preparation, not on a break), per minute."""
    on: dict[int, list[int]] = defaultdict(lambda: [0] * DAY_MINUTES)
    for s in shifts:
        minutes = on[s.day]
        for m in range(max(s.start, 0), min(s.end, DAY_MINUTES)):
            minutes[m] += 1
        for b in s.breaks:
            for m in range(max(b.start, s.start), min(b.end, s.end)):
                minutes[m] -= 1
    return on


def _staffed(problem: RosterProblem, shifts: Iterable[Shift]) -> list[Violation]:
    rules, found = problem.rules, []
    on = phones_by_minute(problem, shifts)
    for day in range(problem.days):
        if not problem.open_days[day]:
            continue
        minutes = on.get(day, [0] * DAY_MINUTES)
        fewest = min(minutes[rules.opens : rules.closes])
        if fewest < rules.min_on_phones:
            found.append(Violation("D1", "the phones are not staffed", {"day": day, "on": fewest}))
    return found


def shortfall(problem: RosterProblem, shifts: Iterable[Shift]) -> int:
    """Agent-slots short of the requirement, read at the start of every slot."""
    rules, total = problem.rules, 0
    on = phones_by_minute(problem, shifts)
    for day in range(problem.days):
        if not problem.open_days[day]:
            continue
        minutes = on.get(day, [0] * DAY_MINUTES)
        for i, need in enumerate(problem.required[day]):
            total += max(0, need - minutes[rules.opens + i * rules.slot])
    return total
