"""A quick greedy roster to start CP-SAT from."""

from collections import defaultdict
from collections.abc import Callable

from hotline.wfm.model import Vars
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
