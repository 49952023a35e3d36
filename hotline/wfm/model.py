"""The roster as one integer linear model (hotline.wfm.linear), rule by rule.

How it stays small enough for 300 agents and 4 weeks: shift starts are chosen per agent and
day, but breaks are chosen per team, day and start (how many of the team's members starting at
s take break k at offset r). Members of a team with the same start are interchangeable for
breaks, so this is exact, and the breaks are dealt out to them afterwards.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from hotline.wfm.linear import (
    UNBOUNDED,
    LinearModel,
)
from hotline.wfm.shifts import (
    WEEK,
    WEEKEND,
    Geometry,
    RosterProblem,
    available,
    geometry,
    target_days,
)

# Objective weights: a missing agent for one slot outweighs everything else; a week whose two
# days off are split, and a weekend day more for the busiest agent than the least busy, less.
SHORT_WEIGHT = 100
SPLIT_WEIGHT = 10
FAIRNESS_WEIGHT = 20


@dataclass
class Vars:
    """Indexes of the model's variables, by what they mean."""

    start: dict[tuple[int, int, int], int] = field(default_factory=dict)  # agent, day, slot
    working: dict[tuple[int, int], dict[int, int]] = field(default_factory=dict)  # agent, day
    brk: dict[tuple[str, int, int, int, int], int] = field(default_factory=dict)
    # team, day, start slot, break number, offset -> members taking it there
    short: dict[tuple[int, int], int] = field(default_factory=dict)  # day, slot
    split: dict[tuple[int, int], int] = field(default_factory=dict)  # agent, week
    count: dict[tuple[int, int], int] = field(default_factory=dict)  # day, start: agents
    pairs: dict[int, tuple[int, int]] = field(default_factory=dict)  # both off -> agent, day
    weekend: tuple[int, int] = (-1, -1)  # most and fewest weekend days worked


def build(problem: RosterProblem, *, counted: bool = False) -> tuple[LinearModel, Vars]:
    """The roster model. `counted` adds one variable per day and start for the number of
    agents starting there, so each slot's cover row has a few hundred terms, not 300 x 2:
    the same model (the counts are definitions), which GLOP solves far faster, while CP-SAT's
    neighbourhood search does better on the agents' own variables."""
    model, v = LinearModel(), Vars()
    geo = geometry(problem.rules)
    _add_shifts(problem, geo, model, v)
    _add_breaks(problem, geo, model, v)
    _add_cover(problem, geo, model, v, counted)
    _add_days_off_together(problem, model, v)
    _add_fairness(problem, model, v)
    return model, v


def _add_shifts(problem: RosterProblem, geo: Geometry, model: LinearModel, v: Vars) -> None:
    """At most one start a day, on open days without leave; the week's days owed (D14)."""
    for a, agent in enumerate(problem.agents):
        for day in range(problem.days):
            if not available(problem, agent, day):
                continue
            row = v.working[a, day] = {}
            for s in geo.starts(problem.rules, day % WEEK):
                i = v.start[a, day, s] = model.var(0, 1)
                row[i] = 1
            model.add(row, 0, 1, "D14")
        for week in range(problem.weeks):
            owed = target_days(problem, agent, week)
            row = {}
            for day in range(week * WEEK, (week + 1) * WEEK):
                row.update(v.working.get((a, day), {}))
            model.add(row, owed, owed, "D14")


def team_members(problem: RosterProblem) -> dict[str, list[int]]:
    teams: dict[str, list[int]] = defaultdict(list)
    for a, agent in enumerate(problem.agents):
        teams[agent.team].append(a)
    return teams


def _add_breaks(problem: RosterProblem, geo: Geometry, model: LinearModel, v: Vars) -> None:
    """Every member starting at s takes each break once inside its window (B2); at most
    `max_on_break` of a team away at once (B4)."""
    teams = team_members(problem)
    on_break: dict[tuple[str, int, int], dict[int, int]] = defaultdict(dict)
    for team, members in teams.items():
        for day in range(problem.days):
            for s in geo.starts(problem.rules, day % WEEK):
                starting = {v.start[a, day, s]: -1 for a in members if (a, day, s) in v.start}
                if not starting:
                    continue
                for k, ((lo, hi), length) in enumerate(zip(geo.windows, geo.lengths, strict=True)):
                    row = dict(starting)
                    for r in range(lo, hi + 1):
                        i = v.brk[team, day, s, k, r] = model.var(0, len(starting))
                        row[i] = 1
                        for t in range(s + r, s + r + length):
                            on_break[team, day, t][i] = 1
                    model.add(row, 0, 0, "B2")
    for row in on_break.values():
        model.add(row, 0, problem.rules.max_on_break, "B4")


def _add_cover(
    problem: RosterProblem, geo: Geometry, model: LinearModel, v: Vars, counted: bool
) -> None:
    """On the phones = started and not yet ended, less those on a break. At least the D1
    minimum always; the requirement softly, each missing agent-slot in the objective."""
    phones: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    by_start: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (_, day, s), i in v.start.items():
        by_start[day, s].append(i)
    for (day, s), indexes in by_start.items():
        starting = dict.fromkeys(indexes, 1)
        if counted:
            count = v.count[day, s] = model.var(0, len(indexes))
            model.add({**starting, count: -1}, 0, 0, "D1")
            starting = {count: 1}
        for t in range(s, s + geo.span):
            phones[day, t].update(starting)
    for (_, day, s, k, r), i in v.brk.items():
        for t in range(s + r, s + r + geo.lengths[k]):
            phones[day, t][i] = -1
    rules = problem.rules
    for day in range(problem.days):
        if not problem.open_days[day]:
            continue
        for t in range(geo.open_slot, geo.close_slot):
            row = phones[day, t]
            model.add(row, rules.min_on_phones, UNBOUNDED, "D1")
            need = problem.required[day][t - geo.open_slot]
            if need > rules.min_on_phones:
                short = v.short[day, t] = model.var(0, need)
                model.minimise(short, SHORT_WEIGHT)
                model.add({**row, short: 1}, need, UNBOUNDED, "D1")


def _add_days_off_together(problem: RosterProblem, model: LinearModel, v: Vars) -> None:
    """Prefer the two days off side by side: a week with no free pair of neighbours costs."""
    for a, agent in enumerate(problem.agents):
        for week in range(problem.weeks):
            days = range(week * WEEK, (week + 1) * WEEK)
            if any(not available(problem, agent, d) for d in days):
                continue  # leave or holidays: the days off are what is left
            working = {d: v.working[a, d] for d in days}
            split = v.split[a, week] = model.var(0, 1)
            model.minimise(split, SPLIT_WEIGHT)
            pairs = {split: 1}
            for d in days[:-1]:
                both = model.var(0, 1)  # 1 only if d and d + 1 are both off
                v.pairs[both] = (a, d)
                pairs[both] = 1
                model.add({both: 1, **working[d]}, 0, 1, "D14")
                model.add({both: 1, **working[d + 1]}, 0, 1, "D14")
            model.add(pairs, 1, UNBOUNDED, "D14")


def _add_fairness(problem: RosterProblem, model: LinearModel, v: Vars) -> None:
    """Weekend days worked (leave on a weekend counts as worked) within a narrow band."""
    most = model.var(0, problem.days)
    fewest = model.var(0, problem.days)
    model.minimise(most, FAIRNESS_WEIGHT)
    model.minimise(fewest, -FAIRNESS_WEIGHT)
    v.weekend = (most, fewest)
    weekend: dict[int, dict[int, int]] = defaultdict(dict)
    for (a, day, _), i in v.start.items():
        if day % WEEK in WEEKEND:
            weekend[a][i] = 1
    for a, agent in enumerate(problem.agents):
        leave = sum(1 for d in agent.leave if d < problem.days and d % WEEK in WEEKEND)
        row = weekend[a]
        model.add({**row, most: -1}, -(UNBOUNDED), -leave, "D14")
        model.add({**row, fewest: -1}, -leave, UNBOUNDED, "D14")
