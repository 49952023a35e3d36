"""Workforce benchmark (issue 6): Erlang C staffing against pyworkforce, and a 4-week roster.

    python bench/wfm.py [--roster-seconds 60]

(1) Staffing for 672 intervals (a week of 15-minute intervals, 50-1,500 calls/h, AHT 300 s,
80 % within 20 s, occupancy cap 85 %, shrinkage 30 %), ours (hotline.wfm.staffing.staff) and
pyworkforce 0.5's ErlangC on the same inputs in the same run; answers compared interval by
interval. Goal: <= 1 ms for ours with the same answers.
(2) A 4-week roster for 300 agents (30 teams of 10) with every rule (D14 40 h and 2 days off,
meeting, D1 opening hours, B1 preparation, B2 breaks and lunch, B4 staggering, leave,
fairness) against the requirement from (1)'s staffing of a weekly call pattern; solve() on 2
workers with a time limit (a decomposed first roster, then CP-SAT on the full model), the gap
to the LP bound of the same model, and the independent checker's verdict on the result.
Goal: within 2 % of the LP bound in <= 60 s on 2 cores.
Writes JSON to bench/results/wfm.json.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from hotline.wfm.check import check
from hotline.wfm.roster import WEEK, Agent, Roster, RosterProblem, RosterRules, geometry, solve
from hotline.wfm.staffing import Targets, staff

RESULTS = Path(__file__).parent / "results" / "wfm.json"
AHT = 300.0
INTERVAL = 900.0
TARGETS = Targets(service_level=0.8, answer_within=20.0, max_occupancy=0.85, shrinkage=0.3)


def week_of_calls(seed: int = 6) -> np.ndarray:
    """672 intervals, calls per hour uniformly spread over 50-1,500, per 15-minute interval."""
    return np.random.default_rng(seed).uniform(50, 1500, 672) / 4


def best_ms(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def staffing() -> dict:
    from pyworkforce.queuing import ErlangC

    calls = week_of_calls()

    def peer() -> list[dict]:
        return [
            ErlangC(
                transactions=c, aht=AHT / 60, asa=20 / 60, interval=15, shrinkage=0.3
            ).required_positions(service_level=0.8, max_occupancy=0.85)
            for c in calls
        ]

    def ours():
        return staff(calls, AHT, INTERVAL, TARGETS)

    theirs, mine = peer(), ours()
    raw = np.array([r["raw_positions"] for r in theirs])
    positions = np.array([r["positions"] for r in theirs])
    # pyworkforce rounds agents / (1 - shrinkage) up in floating point: 42 / 0.7 comes out
    # as 60.00000000000001 and becomes 61. Those are counted apart, not as disagreements.
    exact = raw / (1 - TARGETS.shrinkage)
    artefact = np.abs(exact - np.round(exact)) < 1e-9
    differ = np.flatnonzero((raw != mine.agents) | ((positions != mine.scheduled) & ~artefact))
    return {
        "intervals": len(calls),
        "calls_per_hour": [50, 1500],
        "aht_s": AHT,
        "targets": "80 % within 20 s, occupancy <= 85 %, shrinkage 30 %",
        "ours_ms_best_of_50": round(best_ms(ours, 50), 3),
        "pyworkforce_ms_best_of_5": round(best_ms(peer, 5), 2),
        "same_agents_on_phones": int((raw == mine.agents).sum()),
        "same_agents_scheduled": int((positions == mine.scheduled).sum()),
        "scheduled_off_by_float_rounding": int(((positions != mine.scheduled) & artefact).sum()),
        "different": [
            {
                "interval": int(i),
                "calls": round(float(calls[i]), 2),
                "ours": [int(mine.agents[i]), int(mine.scheduled[i])],
                "pyworkforce": [int(raw[i]), int(positions[i])],
            }
            for i in differ[:10]
        ],
        "agents_total": int(mine.agents.sum()),
    }


def roster_problem(agents: int = 300, team: int = 10, weeks: int = 4) -> RosterProblem:
    """Requirement per 15-minute slot of the opening hours from Erlang C staffing of a
    weekly pattern (busy mornings and Mondays, quiet weekends), scaled so that it asks for
    a little more than the agents can give: the shortfall the model minimises is real."""
    rules = RosterRules(max_on_break=2)
    geo = geometry(rules)
    slots = geo.close_slot - geo.open_slot
    t = np.arange(slots)
    day = 0.8 + 0.35 * np.exp(-(((t - 8) / 6) ** 2)) + 0.25 * np.exp(-(((t - 24) / 6) ** 2))
    week = np.array([1.15, 1.05, 1.0, 1.0, 1.0, 0.85, 0.7])
    pattern = (week[:, None] * day[None, :]).ravel()
    supply = agents * 5 / 7 * slots * 7 * 0.88  # agent-slots on the phones in a week, roughly
    lo, hi = 0.1, 10_000.0
    for _ in range(40):  # calls scale whose staffing asks 3 % above the supply
        mid = (lo + hi) / 2
        need = staff(pattern * mid, AHT, INTERVAL, Targets(0.8, 20.0)).agents.sum()
        lo, hi = (mid, hi) if need < 1.03 * supply else (lo, mid)
    required = staff(pattern * lo, AHT, INTERVAL, Targets(0.8, 20.0)).agents.reshape(7, slots)
    leave = {f"a{n}": frozenset({9, 10, 11}) for n in range(0, agents, 25)}
    return RosterProblem(
        weeks=weeks,
        agents=tuple(
            Agent(f"a{n}", f"team{n // team}", leave.get(f"a{n}", frozenset()))
            for n in range(agents)
        ),
        required=tuple(tuple(int(x) for x in required[d % WEEK]) for d in range(weeks * WEEK)),
        open_days=(True,) * (weeks * WEEK),
        rules=rules,
    )


def roster(seconds: float, hint: bool) -> dict:
    problem = roster_problem()
    began = time.perf_counter()
    result = solve(problem, seconds=seconds, workers=2, hint=hint)
    total = time.perf_counter() - began
    if not isinstance(result, Roster):
        return {"infeasible": [r.as_dict() for r in result.refusals]}
    violations = check(problem, result.shifts)
    return {
        "agents": len(problem.agents),
        "teams": len({a.team for a in problem.agents}),
        "weeks": problem.weeks,
        "rules": "D14 40 h + 2 days off + meeting, D1 8:30-17:00, B1, B2 2x15+30, B4 2/team, leave",
        "cp_sat_workers": 2,
        "hint": "decomposition: agents counted, then each day's breaks per team" if hint else None,
        "time_limit_s": seconds,
        "solve_wall_s": round(result.wall_seconds, 2),
        "status": result.status,
        "objective": result.objective,
        "lp_bound": round(result.lp_bound, 1),
        "gap_to_lp_bound": round(result.gap, 4),
        "cp_sat_own_bound": result.solver_bound,
        "before": "greedy start then CP-SAT: 7.46 % at 60 s, 5.07 % at 300 s",
        "build_solve_lp_total_s": round(total, 1),
        "shortfall_agent_slots": result.shortfall,
        "required_agent_slots": sum(map(sum, problem.required)),
        "split_days_off_weeks": result.split_weeks,
        "weekend_days_spread": result.weekend_spread,
        "shifts": len(result.shifts),
        "checker_violations": len(violations),
        "goal_met": result.gap <= 0.02 and result.wall_seconds <= 60 and not violations,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roster-seconds", type=float, default=60.0)
    parser.add_argument(
        "--no-hint",
        action="store_true",
        help="no decomposition: CP-SAT finds its first roster alone",
    )
    args = parser.parse_args()
    result = {
        "benchmark": "workforce: Erlang C staffing and a 4-week roster",
        "target": "672 intervals <= 1 ms, same answers as pyworkforce; roster <= 2 % of LP in 60 s",
        "staffing": staffing(),
        "roster": roster(args.roster_seconds, hint=not args.no_hint),
    }
    s = result["staffing"]
    result["staffing"]["goal_met"] = s["ours_ms_best_of_50"] <= 1.0 and not s["different"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
