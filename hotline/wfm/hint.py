"""First rosters to start CP-SAT from: a quick greedy one, and a near-optimal one found by
decomposition (agents counted, then dealt out and each day's breaks solved exactly)."""

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from hotline.wfm.model import SHORT_WEIGHT, SPLIT_WEIGHT, Vars, team_members
from hotline.wfm.shifts import (
    WEEK,
    WEEKEND,
    Geometry,
    RosterProblem,
    available,
    geometry,
    target_days,
)


def greedy_hint(problem: RosterProblem, v: Vars) -> dict[int, int]:
    """A quick roster to start CP-SAT from: rotating pairs of days off, starts taken in turn,
    each break at the least crowded time of its window. It may break B4 where a team is
    tight; CP-SAT repairs it, but from here it finds a first roster in seconds, not minutes."""
    geo, hint = geometry(problem.rules), {}
    chosen: dict[tuple[int, int], int] = {}
    demand = [sum(row) + 1 for row in problem.required]
    working = [0] * problem.days
    team_working: dict[tuple[str, int], int] = defaultdict(int)
    # Members of a team one start can give breaks to under B4, the tightest break deciding.
    limit = problem.rules.max_on_break * min(
        (
            (hi - lo + length) // length
            for (lo, hi), length in zip(geo.windows, geo.lengths, strict=True)
        ),
        default=len(problem.agents),
    )

    def load(team: str, d: int) -> float:
        full = team_working[team, d] >= limit
        return working[d] / demand[d] + (10.0 if full else 0.0)

    for p, a in enumerate(sorted(range(len(problem.agents)), key=_rotation(problem))):
        agent = problem.agents[a]
        for week in range(problem.weeks):
            days = range(week * WEEK, (week + 1) * WEEK)
            free = [d for d in days if available(problem, agent, d)]
            # Off on the two neighbouring days already best staffed against their demand.
            first = max(days[:-1], key=lambda d: load(agent.team, d) + load(agent.team, d + 1))
            free.sort(key=lambda d: (d in (first, first + 1), load(agent.team, d)))
            for day in free[: target_days(problem, agent, week)]:
                starts = geo.starts(problem.rules, day % WEEK)
                chosen[a, day] = starts[p % len(starts)]
                working[day] += 1
                team_working[agent.team, day] += 1
    _spread_team_days(problem, geo, chosen, team_working, limit)
    for (a, day, s), i in v.start.items():
        hint[i] = int(chosen.get((a, day)) == s)
    hint.update(dict.fromkeys(v.brk.values(), 0))
    counts: dict[tuple[str, int, int], int] = defaultdict(int)
    for (a, day), s in chosen.items():
        counts[problem.agents[a].team, day, s] += 1
    used: dict[tuple[str, int, int], int] = defaultdict(int)
    # Agents on the phones beyond the requirement: breaks go where it is highest.
    spare: dict[tuple[int, int], int] = defaultdict(int)
    for (_, day), s in chosen.items():
        for t in range(s, s + geo.span):
            spare[day, t] += 1
    for (day, t), have in list(spare.items()):
        if geo.open_slot <= t < geo.close_slot:
            spare[day, t] = have - problem.required[day][t - geo.open_slot]
    cap = problem.rules.max_on_break
    for (team, day, s), count in sorted(counts.items()):
        for k, ((lo, hi), length) in enumerate(zip(geo.windows, geo.lengths, strict=True)):
            taken: dict[int, int] = defaultdict(int)
            for _ in range(count):
                r = min(
                    range(lo, hi + 1),
                    key=lambda r: (
                        max(used[team, day, t] for t in range(s + r, s + r + length)) >= cap,
                        -min(spare[day, t] for t in range(s + r, s + r + length)),
                    ),
                )
                taken[r] += 1
                for t in range(s + r, s + r + length):
                    used[team, day, t] += 1
                    spare[day, t] -= 1
            for r in range(lo, hi + 1):
                hint[v.brk[team, day, s, k, r]] = taken[r]
    _complete_hint(problem, geo, v, chosen, hint)
    return hint


def _spread_team_days(
    problem: RosterProblem,
    geo: Geometry,
    chosen: dict[tuple[int, int], int],
    team_working: dict[tuple[str, int], int],
    limit: int,
) -> None:
    """Move a member's working day from a team's over-full day to a free day of the same week,
    so that the greedy's breaks can keep B4."""
    for (team, day), count in sorted(team_working.items()):
        week = range(day // WEEK * WEEK, (day // WEEK + 1) * WEEK)
        for a, d in sorted(chosen):
            if count <= limit:
                break
            if d != day or problem.agents[a].team != team:
                continue
            agent = problem.agents[a]
            for other in week:
                if (
                    (a, other) not in chosen
                    and available(problem, agent, other)
                    and team_working[team, other] < limit
                ):
                    del chosen[a, day]
                    chosen[a, other] = geo.starts(problem.rules, other % WEEK)[0]
                    team_working[team, other] += 1
                    count -= 1
                    break
        team_working[team, day] = count


def _complete_hint(
    problem: RosterProblem,
    geo: Geometry,
    v: Vars,
    chosen: dict[tuple[int, int], int],
    hint: dict[int, int],
) -> None:
    """The variables that follow from the shifts and breaks: a complete hint is taken as
    CP-SAT's first solution as it stands, with no search to finish it."""
    phones: dict[tuple[int, int], int] = defaultdict(int)
    for (_, day), s in chosen.items():
        for t in range(s, s + geo.span):
            phones[day, t] += 1
    for (_, day, s, k, r), i in v.brk.items():
        for t in range(s + r, s + r + geo.lengths[k]):
            phones[day, t] -= hint[i]
    for (day, t), i in v.short.items():
        hint[i] = max(0, problem.required[day][t - geo.open_slot] - phones[day, t])
    together: set[tuple[int, int]] = set()
    for i, (a, d) in v.pairs.items():
        hint[i] = int((a, d) not in chosen and (a, d + 1) not in chosen)
        if hint[i]:
            together.add((a, d // WEEK))
    for (a, week), i in v.split.items():
        hint[i] = int((a, week) not in together)
    worked = [
        sum(1 for d in agent.leave if d < problem.days and d % WEEK in WEEKEND)
        for agent in problem.agents
    ]
    for a, day in chosen:
        worked[a] += day % WEEK in WEEKEND
    most, fewest = v.weekend
    hint[most], hint[fewest] = max(worked), min(worked)


def _rotation(problem: RosterProblem) -> Callable[[int], tuple[int, str]]:
    """Deal agents team by team in turn, so each team's days off spread over the week."""
    rank: dict[str, int] = defaultdict(int)
    order = {}
    for a, agent in enumerate(problem.agents):
        order[a] = (rank[agent.team], agent.team)
        rank[agent.team] += 1
    return order.__getitem__


@dataclass
class Decomposed:
    """A roster found by decomposition, as a complete hint, and the CP-SAT seconds it took."""

    hint: dict[int, int] | None
    seconds: float


def decomposed_hint(
    problem: RosterProblem, v: Vars, *, seconds: float, workers: int, seed: int = 0
) -> Decomposed:
    """A near-optimal roster in two exact steps, to start CP-SAT from.

    (1) The same roster with agents counted, not named: per week, how many agents of each
    availability class work each pattern of days (days off together or split), and per day
    and start how many take each break at each offset, B4 summed over the teams. Agents of a
    class are interchangeable for every rule but B4 and fairness, so this is the model with
    the teams merged, plus the most members of a team B4 lets work a day (an implied limit):
    a few thousand variables, solved in about a second. (2) The patterns shared among the
    teams in proportion to their members free that day, under that limit (a small model per
    week), and in a team to the members with the fewest weekend days so far. (3) Each day
    with its working agents fixed: every team's starts and breaks under B4 exactly, shortfall
    least (out of time, a day's breaks are dealt in turn and CP-SAT repairs them). Returns
    None for the hint if (1) or (2) finds nothing (the greedy roster then)."""
    geo = geometry(problem.rules)
    counted = _counted_model(problem, geo)
    solver = _cp_solver(seconds * 0.3, workers, seed)
    status = solver.solve(counted.cp)
    spent = solver.wall_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Decomposed(None, spent)
    try:
        works = _deal_patterns(problem, counted, solver, seconds * 0.1)
    except _NoDeal:
        return Decomposed(None, spent + seconds * 0.1)
    spent += seconds * 0.1  # at most: the dealing's own models are small
    chosen: dict[tuple[int, int], int] = {}
    hint = dict.fromkeys(v.start.values(), 0)
    hint.update(dict.fromkeys(v.brk.values(), 0))
    days = sorted(works)
    for n, day in enumerate(days):
        left = (seconds - spent) / (len(days) - n)
        if left < 0.05:
            _day_in_turn(problem, geo, day, works[day], v, chosen, hint)
            continue  # out of time: breaks in turn, CP-SAT repairs what they break
        found, wall = _day_breaks(
            problem,
            geo,
            day,
            works[day],
            counted,
            solver,
            v,
            chosen,
            hint,
            seconds=left,
            workers=workers,
            seed=seed,
        )
        spent += wall
        if not found:
            _day_in_turn(problem, geo, day, works[day], v, chosen, hint)
    _complete_hint(problem, geo, v, chosen, hint)
    return Decomposed(hint, spent)


@dataclass
class _Counted:
    cp: cp_model.CpModel
    classes: dict[tuple[int, frozenset[int], int], list[int]]  # week, free days, owed: agents
    patterns: dict[tuple[int, frozenset[int], int], list[tuple[tuple[int, ...], cp_model.IntVar]]]
    starting: dict[tuple[int, int], cp_model.IntVar]  # day, start: agents
    caps: list[int]  # per weekday, most members of a team working (B2, B4)


def _team_day_cap(problem: RosterProblem, geo: Geometry, weekday: int) -> int:
    """Most members of one team that can work one day with every break inside its window and
    at most `max_on_break` of them away at once (B2, B4): an implied limit of the model."""
    cp = cp_model.CpModel()
    at = []
    away: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    most = len(problem.agents)
    for s in geo.starts(problem.rules, weekday):
        x = cp.new_int_var(0, most, "")
        at.append(x)
        for (lo, hi), length in zip(geo.windows, geo.lengths, strict=True):
            taking = []
            for r in range(lo, hi + 1):
                b = cp.new_int_var(0, most, "")
                taking.append(b)
                for t in range(s + r, s + r + length):
                    away[t].append(b)
            cp.add(sum(taking) == x)
    for row in away.values():
        cp.add(sum(row) <= problem.rules.max_on_break)
    cp.maximize(sum(at))
    solver = _cp_solver(5.0, 1, 0)
    if solver.solve(cp) != cp_model.OPTIMAL:
        return most
    return int(solver.objective_value)


def _cp_solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _counted_model(problem: RosterProblem, geo: Geometry) -> _Counted:
    rules = problem.rules
    cp = cp_model.CpModel()
    caps = [_team_day_cap(problem, geo, weekday) for weekday in range(WEEK)]
    classes: dict[tuple[int, frozenset[int], int], list[int]] = defaultdict(list)
    for a, agent in enumerate(problem.agents):
        for week in range(problem.weeks):
            days = range(week * WEEK, (week + 1) * WEEK)
            free = frozenset(d for d in days if available(problem, agent, d))
            classes[week, free, target_days(problem, agent, week)].append(a)
    working: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    patterns = {}
    split = []
    for (week, free, owed), members in classes.items():
        chosen = []
        for combo in itertools.combinations(sorted(free), owed):
            z = cp.new_int_var(0, len(members), "")
            chosen.append((combo, z))
            for d in combo:
                working[d].append(z)
            if len(free) == WEEK:  # weeks with leave or holidays are not judged (model.py)
                off = sorted(free - set(combo))
                if not any(d + 1 == e for d, e in itertools.pairwise(off)):
                    split.append(z)
        cp.add(sum(z for _, z in chosen) == len(members))
        patterns[week, free, owed] = chosen
    starting = {}
    phones: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
    away: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for day in range(problem.days):
        if not problem.open_days[day]:
            continue
        at = []
        for s in geo.starts(rules, day % WEEK):
            x = starting[day, s] = cp.new_int_var(0, len(problem.agents), "")
            at.append(x)
            for t in range(s, s + geo.span):
                phones[day, t].append((x, 1))
            for (lo, hi), length in zip(geo.windows, geo.lengths, strict=True):
                taking = []
                for r in range(lo, hi + 1):
                    b = cp.new_int_var(0, len(problem.agents), "")
                    taking.append(b)
                    for t in range(s + r, s + r + length):
                        phones[day, t].append((b, -1))
                        away[day, t].append(b)
                cp.add(sum(taking) == x)
        cp.add(sum(at) == sum(working[day]))
        there: dict[str, int] = defaultdict(int)  # per team, members free that day
        for agent in problem.agents:
            there[agent.team] += available(problem, agent, day)
        cp.add(sum(at) <= sum(min(n, caps[day % WEEK]) for n in there.values()))
    teams = len(team_members(problem))
    for row in away.values():
        cp.add(sum(row) <= rules.max_on_break * teams)
    short = []
    for day in range(problem.days):
        if not problem.open_days[day]:
            continue
        for t in range(geo.open_slot, geo.close_slot):
            on = cp_model.LinearExpr.weighted_sum(
                [x for x, _ in phones[day, t]], [c for _, c in phones[day, t]]
            )
            cp.add(on >= rules.min_on_phones)
            need = problem.required[day][t - geo.open_slot]
            if need > rules.min_on_phones:
                missing = cp.new_int_var(0, need, "")
                cp.add(on + missing >= need)
                short.append(missing)
    cp.minimize(SHORT_WEIGHT * sum(short) + SPLIT_WEIGHT * sum(split))
    return _Counted(cp, classes, patterns, starting, caps)


def _deal_patterns(
    problem: RosterProblem, counted: _Counted, solver: cp_model.CpSolver, seconds: float
) -> dict[int, list[int]]:
    """Week by week, the patterns to the teams so that each team's working days follow its
    share of the day's agents (B4 then has room in every team: a small model), and in each
    team the patterns with the most weekend days to the members with the fewest so far."""
    key = _rotation(problem)
    weekends = [
        sum(1 for d in agent.leave if d < problem.days and d % WEEK in WEEKEND)
        for agent in problem.agents
    ]
    works: dict[int, list[int]] = defaultdict(list)
    for week in range(problem.weeks):
        classes = [c for c in counted.patterns if c[0] == week]
        cp = cp_model.CpModel()
        share: dict[tuple[str, tuple[int, frozenset[int], int], int], cp_model.IntVar] = {}
        load: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        free: dict[tuple[str, int], int] = defaultdict(int)
        for cls in classes:
            teams: dict[str, int] = defaultdict(int)
            for a in counted.classes[cls]:
                teams[problem.agents[a].team] += 1
                for d in cls[1]:
                    free[problem.agents[a].team, d] += 1
            for p, (combo, z) in enumerate(counted.patterns[cls]):
                many = solver.value(z)
                taking = []
                for team, size in teams.items():
                    u = share[team, cls, p] = cp.new_int_var(0, min(size, many), "")
                    taking.append(u)
                    for d in combo:
                        load[team, d].append(u)
                cp.add(sum(taking) == many)
            for team, size in teams.items():
                cp.add(sum(share[team, cls, p] for p in range(len(counted.patterns[cls]))) == size)
        excess = []
        for d in range(week * WEEK, (week + 1) * WEEK):
            total = sum(n for (_, day), n in free.items() if day == d)
            on = sum(
                solver.value(z) for c in classes for combo, z in counted.patterns[c] if d in combo
            )
            for (team, day), n in free.items():
                if day != d or not load[team, d]:
                    continue
                # Past the team's share rounded down: each member more costs more (convex).
                target = on * n // total if total else 0
                cp.add(sum(load[team, d]) <= counted.caps[d % WEEK])
                for step, weight in enumerate((1, 10, 100)):
                    over = cp.new_int_var(0, n, "")
                    cp.add(sum(load[team, d]) - over <= target + step)
                    excess.append(weight * over)
        cp.minimize(sum(excess))
        dealer = _cp_solver(seconds / problem.weeks, 1, 0)
        if dealer.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise _NoDeal
        for cls in classes:
            for team in sorted({problem.agents[a].team for a in counted.classes[cls]}):
                dealt: list[tuple[int, ...]] = []
                for p, (combo, _) in enumerate(counted.patterns[cls]):
                    dealt += [combo] * dealer.value(share[team, cls, p])
                dealt.sort(key=lambda combo: -sum(1 for d in combo if d % WEEK in WEEKEND))
                members = sorted(
                    (a for a in counted.classes[cls] if problem.agents[a].team == team),
                    key=lambda a: (weekends[a], key(a)),
                )
                for a, combo in zip(members, dealt, strict=True):
                    for d in combo:
                        works[d].append(a)
                        weekends[a] += d % WEEK in WEEKEND
    return works


class _NoDeal(Exception):
    """The patterns could not be shared among the teams (in the time given)."""


def _day_in_turn(
    problem: RosterProblem,
    geo: Geometry,
    day: int,
    agents: list[int],
    v: Vars,
    chosen: dict[tuple[int, int], int],
    hint: dict[int, int],
) -> None:
    """A day's starts and breaks without a solver: a team's members take the starts and each
    break's offsets in turn, `max_on_break` at a time."""
    starts = list(geo.starts(problem.rules, day % WEEK))
    members: dict[str, list[int]] = defaultdict(list)
    for a in sorted(agents, key=_rotation(problem)):
        members[problem.agents[a].team].append(a)
    for team, those in members.items():
        for j, a in enumerate(those):
            s = starts[j % len(starts)]
            chosen[a, day] = s
            hint[v.start[a, day, s]] = 1
            for k, ((lo, hi), length) in enumerate(zip(geo.windows, geo.lengths, strict=True)):
                r = lo + (j // problem.rules.max_on_break * length) % (hi - lo + 1)
                hint[v.brk[team, day, s, k, min(r, hi)]] += 1


def _day_breaks(
    problem: RosterProblem,
    geo: Geometry,
    day: int,
    agents: list[int],
    counted: _Counted,
    guide: cp_model.CpSolver,
    v: Vars,
    chosen: dict[tuple[int, int], int],
    hint: dict[int, int],
    *,
    seconds: float,
    workers: int,
    seed: int,
) -> tuple[bool, float]:
    """One day with its working agents fixed: each team's starts and breaks (B2, B4 exactly),
    the day's shortfall least; the counted model's day as the hint."""
    rules, key = problem.rules, _rotation(problem)
    starts = list(geo.starts(rules, day % WEEK))
    members: dict[str, list[int]] = defaultdict(list)
    for a in sorted(agents, key=key):
        members[problem.agents[a].team].append(a)
    cp = cp_model.CpModel()
    count, brk = {}, {}
    phones: dict[int, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
    away: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    total = max(1, len(agents))
    for team, those in members.items():
        at = []
        for s in starts:
            x = count[team, s] = cp.new_int_var(0, len(those), "")
            at.append(x)
            share = guide.value(counted.starting[day, s]) / total
            cp.add_hint(x, round(len(those) * share))
            for t in range(s, s + geo.span):
                phones[t].append((x, 1))
            for k, ((lo, hi), length) in enumerate(zip(geo.windows, geo.lengths, strict=True)):
                taking = []
                for r in range(lo, hi + 1):
                    b = brk[team, s, k, r] = cp.new_int_var(0, len(those), "")
                    taking.append(b)
                    for t in range(s + r, s + r + length):
                        phones[t].append((b, -1))
                        away[team, t].append(b)
                cp.add(sum(taking) == x)
        cp.add(sum(at) == len(those))
    for row in away.values():
        cp.add(sum(row) <= rules.max_on_break)
    short = []
    for t in range(geo.open_slot, geo.close_slot):
        on = cp_model.LinearExpr.weighted_sum([x for x, _ in phones[t]], [c for _, c in phones[t]])
        cp.add(on >= rules.min_on_phones)
        need = problem.required[day][t - geo.open_slot]
        if need > rules.min_on_phones:
            missing = cp.new_int_var(0, need, "")
            cp.add(on + missing >= need)
            short.append(missing)
    cp.minimize(sum(short))
    solver = _cp_solver(seconds, workers, seed)
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False, solver.wall_time
    for team, those in members.items():
        queue = iter(those)
        for s in starts:
            for _ in range(solver.value(count[team, s])):
                a = next(queue)
                chosen[a, day] = s
                hint[v.start[a, day, s]] = 1
            for k, (lo, hi) in enumerate(geo.windows):
                for r in range(lo, hi + 1):
                    hint[v.brk[team, day, s, k, r]] = solver.value(brk[team, s, k, r])
    return True, solver.wall_time
