"""Rosters from CP-SAT, verified rule by rule by the independent checker (hotline.wfm.check).

Small centres (2 teams of 5, 1-2 weeks) so each solve takes seconds; the checker never reads
the model, only the published shifts. Hand-broken rosters prove the checker catches each rule.
"""

from dataclasses import replace

import pytest

from hotline.wfm.check import check, counted_minutes, shortfall
from hotline.wfm.roster import (
    WEEK,
    Agent,
    Break,
    Infeasible,
    Roster,
    RosterProblem,
    RosterRules,
    geometry,
    solve,
)

RULES = RosterRules()  # the rulebook's defaults: 8:30-17:00, 40 h, 2 days off, 2x15 + 30 min


def centre(
    weeks: int = 1, teams: int = 2, size: int = 5, rules: RosterRules = RULES, leave=None
) -> RosterProblem:
    geo = geometry(rules)
    slots = geo.close_slot - geo.open_slot
    agents = tuple(
        Agent(f"a{t}{n}", f"team{t}", frozenset((leave or {}).get(f"a{t}{n}", ())))
        for t in range(teams)
        for n in range(size)
    )
    # Busier mornings and Mondays, quiet weekends: about what the agents can give.
    per_day = [5, 5, 4, 4, 4, 3, 3]
    required = tuple(
        tuple(per_day[d % WEEK] + (1 if i < slots // 2 else 0) for i in range(slots))
        for d in range(weeks * WEEK)
    )
    return RosterProblem(weeks, agents, required, (True,) * (weeks * WEEK), rules)


@pytest.fixture(scope="module")
def solved() -> tuple[RosterProblem, Roster]:
    problem = centre(weeks=2, leave={"a00": {2, 3}})
    roster = solve(problem, seconds=10, workers=2)
    assert isinstance(roster, Roster), roster
    return problem, roster


def test_solved_roster_keeps_every_rule(solved) -> None:
    problem, roster = solved
    assert check(problem, roster.shifts) == []


def test_d14_forty_hours_and_two_days_off_meeting_not_counted(solved) -> None:
    problem, roster = solved
    for agent in problem.agents:
        if agent.leave:
            continue
        week = [s for s in roster.shifts if s.agent == agent.id and s.day < WEEK]
        assert len(week) == 5
        assert sum(counted_minutes(problem, s) for s in week) == 40 * 60
    monday = [s for s in roster.shifts if s.day == 0]
    assert monday
    assert all(s.meeting and s.start >= RULES.meeting_ends for s in monday)


def test_d14_approved_leave_is_honoured_and_credited(solved) -> None:
    _problem, roster = solved
    days = {s.day for s in roster.shifts if s.agent == "a00" and s.day < WEEK}
    assert not days & {2, 3}
    assert len(days) == 3  # 5 days owed less 2 days of leave


def test_lp_bound_is_below_the_roster_and_the_gap_reported(solved) -> None:
    problem, roster = solved
    assert roster.lp_bound <= roster.objective + 1e-6
    assert roster.gap >= 0
    # The model's shortfall is the one the checker measures on the published shifts.
    assert roster.shortfall == shortfall(problem, roster.shifts)


def test_checker_catches_b4_breaks_taken_together(solved) -> None:
    problem, roster = solved
    first, *rest = roster.shifts
    mate = next(s for s in rest if s.day == first.day and s.agent[:2] == first.agent[:2])
    lunch = next(b for b in first.breaks if b.kind == "lunch")
    moved = tuple(lunch if b.kind == "lunch" else b for b in mate.breaks)
    shifts = [replace(mate, breaks=moved) if s is mate else s for s in roster.shifts]
    assert "B4" in {v.rule for v in check(problem, shifts)}


def test_checker_catches_b1_missing_preparation(solved) -> None:
    problem, roster = solved
    s = roster.shifts[0]
    shifts = [replace(s, prep_start=s.start), *roster.shifts[1:]]
    assert [v.rule for v in check(problem, shifts)].count("B1") == 1


def test_checker_catches_b2_missing_or_long_break(solved) -> None:
    problem, roster = solved
    s = roster.shifts[0]
    short = tuple(b for b in s.breaks if b.kind != "lunch")
    long = tuple(Break(b.kind, b.start, b.end + 15) for b in s.breaks)
    for breaks in (short, long):
        shifts = [replace(s, breaks=breaks), *roster.shifts[1:]]
        assert "B2" in {v.rule for v in check(problem, shifts)}


def test_checker_catches_d1_shift_past_closing(solved) -> None:
    problem, roster = solved
    s = roster.shifts[0]
    shifts = [replace(s, start=s.start + 30, prep_start=s.prep_start + 30, end=s.end + 30)]
    assert "D1" in {v.rule for v in check(problem, [*shifts, *roster.shifts[1:]])}


def test_checker_catches_d14_work_on_leave_and_a_sixth_day(solved) -> None:
    problem, roster = solved
    s = next(s for s in roster.shifts if s.agent == "a00")
    on_leave = replace(s, day=2, meeting=False)
    found = check(problem, [*roster.shifts, on_leave])
    assert {"D14"} <= {v.rule for v in found}
    assert any(v.what == "shift on a day of approved leave" for v in found)
    assert any(v.what == "weekly hours or days off not kept" for v in found)


def test_checker_catches_d1_unstaffed_day(solved) -> None:
    problem, roster = solved
    shifts = [s for s in roster.shifts if s.day != 4]
    assert any(v.rule == "D1" and v.where.get("day") == 4 for v in check(problem, shifts))


def test_too_few_agents_is_refused_naming_d1() -> None:
    result = solve(centre(teams=1, size=1), seconds=5)
    assert isinstance(result, Infeasible)
    assert result.rules == ["D1"]
    assert "Too few agents" in result.refusals[0].render()


def test_team_too_big_for_staggered_breaks_is_refused_naming_b4() -> None:
    # One at a time on break: 14 agents x 5 days x 4 break slots > 7 days x 34 slots.
    result = solve(centre(teams=1, size=14), seconds=5)
    assert isinstance(result, Infeasible)
    assert "B4" in result.rules


def test_b4_limit_that_only_the_solver_can_see_is_named() -> None:
    # 9 in a team fit under the weekly arithmetic, but at most 4 lunches of 30 min fit in a
    # day's lunch window one at a time: 45 shifts a week need more than 7 x 4.
    result = solve(centre(teams=1, size=9), seconds=20)
    assert isinstance(result, Infeasible)
    assert "B4" in result.rules


def test_preparation_longer_than_allowed_is_refused_naming_b1() -> None:
    result = solve(centre(rules=replace(RULES, prep_min=16)), seconds=5)
    assert isinstance(result, Infeasible)
    assert result.rules == ["B1"]


def test_shift_longer_than_opening_hours_is_refused_naming_d1() -> None:
    result = solve(centre(rules=replace(RULES, closes=16 * 60)), seconds=5)
    assert isinstance(result, Infeasible)
    assert result.rules == ["D1"]
