"""Rosters over several weeks with CP-SAT: D14 hours and days off, D1 opening hours, B1
preparation, B2 breaks and lunch inside shifts, B4 staggered breaks, approved leave, fairness.

Time is cut into slots (15 min by default); minutes are counted from local midnight and day 0
of the horizon is a Monday. Every number is a parameter (`RosterRules`): the Django side fills
it from the rulebook.

The parts: shifts.py (the data), explain.py (arithmetic refusals), model.py (the integer
model), hint.py (a greedy first roster), linear.py (CP-SAT, the LP bound, the rule core), and
check.py, which verifies the result without any of them.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.wfm.explain import RULE_MESSAGES, explain
from hotline.wfm.hint import decomposed_hint, greedy_hint
from hotline.wfm.linear import (
    LinearModel,
    Solved,
    conflicting_rules,
    solve_cp_sat,
    solve_lp_relaxation,
)
from hotline.wfm.model import Vars, build
from hotline.wfm.shifts import (
    WEEK,
    WEEKEND,
    Agent,
    Break,
    Geometry,
    Infeasible,
    Roster,
    RosterProblem,
    RosterRules,
    Shift,
    geometry,
)

__all__ = [
    "WEEK",
    "Agent",
    "Break",
    "Infeasible",
    "Roster",
    "RosterProblem",
    "RosterRules",
    "Shift",
    "build",
    "explain",
    "geometry",
    "greedy_hint",
    "solve",
]


def solve(
    problem: RosterProblem,
    *,
    seconds: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    hint: bool = True,
) -> Roster | Infeasible:
    """The best roster found in `seconds`, or the rules that can't be kept.

    With `hint`, up to half the time goes to a roster found by decomposition (hint.py: the
    model with agents counted, solved exactly, then dealt out and each day's breaks solved per
    team), and CP-SAT polishes it on the full model for the rest; the greedy roster is the
    fallback. On 300 agents x 4 weeks that ends within 0.1 % of the LP bound in 60 s, where the
    greedy start alone ended 7.5 % above it (bench/wfm.py). `wall_seconds` counts both."""
    refusals = explain(problem)
    if refusals:
        return Infeasible(tuple(refusals))
    model, v = build(problem)
    start, spent = None, 0.0
    if hint:
        decomposed = decomposed_hint(problem, v, seconds=seconds / 2, workers=workers, seed=seed)
        start, spent = decomposed.hint, decomposed.seconds
        if start is None:
            start = greedy_hint(problem, v)
    left = max(1.0, seconds - spent - 0.5)  # CP-SAT may overrun its limit by a little
    solved = solve_cp_sat(model, seconds=left, workers=workers, seed=seed, hint=start)
    solved = _at_least_the_hint(model, solved, start, spent)
    if solved.status == "INFEASIBLE":
        rules = conflicting_rules(model, seconds=seconds) or ["D14"]
        return Infeasible(tuple(PolicyRefusal(r, RULE_MESSAGES[r]) for r in rules))
    if not solved.values:
        return Infeasible(
            (
                PolicyRefusal(
                    "D14",
                    gettext_noop("No roster was found in %(seconds)s s: allow more time."),
                    {"seconds": seconds},
                ),
            )
        )
    _, lp_bound = solve_lp_relaxation(build(problem, counted=True)[0])
    return _roster(problem, v, solved.values, solved, lp_bound)


def _at_least_the_hint(
    model: LinearModel, solved: Solved, start: dict[int, int] | None, spent: float
) -> Solved:
    """CP-SAT's roster, or the hint's where that keeps every constraint and costs less (CP-SAT
    takes a complete hint as its first solution; this makes sure of it)."""
    wall = solved.wall_seconds + spent
    if not start or len(start) != len(model.lower) or not model.satisfied(start):
        return replace(solved, wall_seconds=wall)
    values = [start[i] for i in range(len(model.lower))]
    cost = model.cost(values)
    if solved.values and solved.objective <= cost:
        return replace(solved, wall_seconds=wall)
    bound = solved.best_bound if solved.values else float("nan")
    return Solved("FEASIBLE", values, float(cost), bound, wall)


def _gap(objective: float, bound: float) -> float:
    if objective <= bound + 1e-6:
        return 0.0
    return (objective - bound) / bound if bound > 0 else float("inf")


def _roster(
    problem: RosterProblem, v: Vars, values: Sequence[int], solved: Solved, lp_bound: float
) -> Roster:
    geo, rules = geometry(problem.rules), problem.rules
    chosen = {(a, day): s for (a, day, s), i in v.start.items() if values[i]}
    breaks = _deal_breaks(problem, v, values, chosen, geo)
    shifts = []
    for (a, day), s in sorted(chosen.items()):
        slot = rules.slot
        shifts.append(
            Shift(
                agent=problem.agents[a].id,
                day=day,
                prep_start=(s - geo.prep) * slot,
                start=s * slot,
                end=(s + geo.span) * slot,
                breaks=tuple(sorted(breaks[a, day], key=lambda b: b.start)),
                meeting=day % WEEK == rules.meeting_weekday,
            )
        )
    weekend = [0] * len(problem.agents)
    for a, day in chosen:
        weekend[a] += day % WEEK in WEEKEND
    for a, agent in enumerate(problem.agents):
        weekend[a] += sum(1 for d in agent.leave if d < problem.days and d % WEEK in WEEKEND)
    return Roster(
        shifts=tuple(shifts),
        status=solved.status,
        objective=solved.objective,
        lp_bound=lp_bound,
        gap=_gap(solved.objective, lp_bound),
        solver_bound=solved.best_bound,
        wall_seconds=solved.wall_seconds,
        shortfall=sum(values[i] for i in v.short.values()),
        split_weeks=sum(values[i] for i in v.split.values()),
        weekend_spread=max(weekend) - min(weekend) if weekend else 0,
    )


def _deal_breaks(
    problem: RosterProblem,
    v: Vars,
    values: Sequence[int],
    chosen: dict[tuple[int, int], int],
    geo: Geometry,
) -> dict[tuple[int, int], list[Break]]:
    """Hand the team's chosen break times to its members with that start, one each."""
    slot = problem.rules.slot
    members: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for (a, day), s in sorted(chosen.items()):
        members[problem.agents[a].team, day, s].append(a)
    dealt: dict[tuple[int, int], list[Break]] = defaultdict(list)
    slots: dict[tuple[str, int, int, int], list[int]] = defaultdict(list)
    for (team, day, s, k, r), i in sorted(v.brk.items()):
        slots[team, day, s, k].extend([r] * values[i])
    for (team, day, s, k), offsets in slots.items():
        for a, r in zip(members[team, day, s], offsets, strict=True):
            begin = (s + r) * slot
            dealt[a, day].append(Break(geo.kinds[k], begin, begin + geo.lengths[k] * slot))
    return dealt
