"""Breaks, lunch, personal time and leaving the phones: rules B2, B3, B4, B5 and B6.

The limits come from the rulebook (`BreakLimits.for_team`), so every test that needs a number
takes it from a `Rulebook`, default or overridden: the settings drive the decisions.
"""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.core.agent_states import AWAY_STATES, BUSY_STATES, AgentState
from hotline.core.breaks import (
    BreakDecision,
    BreakLimits,
    FloorSnapshot,
    LeaveKind,
    Outcome,
    break_overrun,
    decide_leave,
    leave_refusals,
)
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Override, Rulebook, Scope

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
TEAM = 1
OTHER_TEAM = 2
Q1, Q2 = 11, 12
QUEUES = frozenset({Q1, Q2})
BREAKS = (LeaveKind.BREAK, LeaveKind.LUNCH)
NOT_BREAKS = (LeaveKind.PERSONAL, LeaveKind.AWAY)


def limits(*overrides: Override, team_size: int = 6, team_id: int = TEAM) -> BreakLimits:
    return BreakLimits.for_team(
        Rulebook(overrides), team_id=team_id, team_size=team_size, queue_ids=QUEUES
    )


DEFAULT = limits()

# A quiet floor: agent ready, nothing taken, nobody on break, nobody waiting, queues staffed.
QUIET = FloorSnapshot(
    agent_state=AgentState.READY,
    taken_today={},
    team_on_break=0,
    waiting_calls=0,
    callbacks_due=0,
    available_others={Q1: 2, Q2: 2},
)


def floor(**changes: Any) -> FloorSnapshot:  # fields of several types, checked by replace()
    return replace(QUIET, **changes)


def refused(decision: BreakDecision, rule_id: str) -> PolicyRefusal:
    assert decision.outcome is Outcome.REFUSED, decision
    assert decision.refusal is not None
    assert decision.refusal.rule_id == rule_id
    assert str(decision.refusal).startswith(f"{rule_id}: ")
    assert decision.refusal.as_dict()["rule"] == rule_id
    return decision.refusal


def numbers(refusal: PolicyRefusal) -> list[str]:
    return re.findall(r"\d+", refusal.render())


def started(decision: BreakDecision) -> None:
    assert decision == BreakDecision(Outcome.START)


# -- the settings drive the limits ---------------------------------------------------------


def test_break_limits_defaults_follow_the_rulebook() -> None:
    assert DEFAULT.per_day == {LeaveKind.BREAK: 2, LeaveKind.LUNCH: 1}
    assert DEFAULT.length == {
        LeaveKind.BREAK: timedelta(minutes=15),
        LeaveKind.LUNCH: timedelta(minutes=30),
    }
    assert DEFAULT.max_on_break == 1
    assert DEFAULT.min_available == {Q1: 1, Q2: 1}


def test_break_limits_team_overrides_apply_to_that_team_only() -> None:
    overrides = (
        Override("b2.short_breaks_per_day", Scope.TEAM, str(TEAM), 3),
        Override("b2.short_break_length", Scope.TEAM, str(TEAM), timedelta(minutes=10)),
        Override("b2.lunches_per_day", Scope.TEAM, str(TEAM), 0),
        Override("b2.lunch_length", Scope.TEAM, str(TEAM), timedelta(minutes=45)),
        Override("b4.max_on_break", Scope.TEAM, str(TEAM), 2),
        Override("b6.min_available_agents", Scope.QUEUE, str(Q2), 3),
    )
    mine = limits(*overrides)
    assert mine.per_day == {LeaveKind.BREAK: 3, LeaveKind.LUNCH: 0}
    assert mine.length == {
        LeaveKind.BREAK: timedelta(minutes=10),
        LeaveKind.LUNCH: timedelta(minutes=45),
    }
    assert mine.max_on_break == 2
    assert mine.min_available == {Q1: 1, Q2: 3}

    theirs = limits(*overrides, team_id=OTHER_TEAM)
    assert theirs.per_day == DEFAULT.per_day
    assert theirs.length == DEFAULT.length
    assert theirs.max_on_break == 1
    assert theirs.min_available == {Q1: 1, Q2: 3}  # queue settings follow the queue


def test_break_limits_deployment_override_applies_to_every_team() -> None:
    everywhere = Override("b2.short_breaks_per_day", Scope.DEPLOYMENT, "", 4)
    assert limits(everywhere).per_day[LeaveKind.BREAK] == 4
    assert limits(everywhere, team_id=OTHER_TEAM).per_day[LeaveKind.BREAK] == 4


@pytest.mark.parametrize(
    ("share", "team_size", "expected"),
    [
        (50, 6, 3),
        (50, 5, 2),  # rounded down: never more than the share
        (60, 6, 3),  # 3.6 agents: still 3
        (30, 10, 3),
        (10, 5, 1),  # a share below one agent still lets one go
        (100, 4, 4),
        (25, 0, 1),
    ],
)
def test_b4_share_of_team_sets_the_limit(share: int, team_size: int, expected: int) -> None:
    share_override = Override("b4.max_on_break_share", Scope.TEAM, str(TEAM), share)
    assert limits(share_override, team_size=team_size).max_on_break == expected


def test_b4_share_takes_precedence_over_the_count() -> None:
    count = Override("b4.max_on_break", Scope.TEAM, str(TEAM), 5)
    share = Override("b4.max_on_break_share", Scope.TEAM, str(TEAM), 20)
    assert limits(count, team_size=10).max_on_break == 5
    assert limits(count, share, team_size=10).max_on_break == 2


# -- B2: number of breaks -------------------------------------------------------------------


def test_b2_third_short_break_is_refused() -> None:
    started(decide_leave(LeaveKind.BREAK, floor(taken_today={LeaveKind.BREAK: 1}), DEFAULT))
    refusal = refused(
        decide_leave(LeaveKind.BREAK, floor(taken_today={LeaveKind.BREAK: 2}), DEFAULT), "B2"
    )
    assert refusal.params == {"allowed": 2, "kind": "break"}
    assert numbers(refusal) == ["2"]


def test_b2_second_lunch_is_refused() -> None:
    refusal = refused(
        decide_leave(LeaveKind.LUNCH, floor(taken_today={LeaveKind.LUNCH: 1}), DEFAULT), "B2"
    )
    assert refusal.params == {"allowed": 1, "kind": "lunch"}
    assert numbers(refusal) == ["1"]
    assert "lunch" in refusal.render()


def test_b2_breaks_and_lunch_are_counted_apart() -> None:
    all_breaks_taken = floor(taken_today={LeaveKind.BREAK: 2})
    started(decide_leave(LeaveKind.LUNCH, all_breaks_taken, DEFAULT))
    lunch_taken = floor(taken_today={LeaveKind.LUNCH: 1})
    started(decide_leave(LeaveKind.BREAK, lunch_taken, DEFAULT))


def test_b2_override_allows_a_third_short_break() -> None:
    three = limits(Override("b2.short_breaks_per_day", Scope.TEAM, str(TEAM), 3))
    started(decide_leave(LeaveKind.BREAK, floor(taken_today={LeaveKind.BREAK: 2}), three))
    refusal = refused(
        decide_leave(LeaveKind.BREAK, floor(taken_today={LeaveKind.BREAK: 3}), three), "B2"
    )
    assert numbers(refusal) == ["3"]


def test_b2_no_lunch_at_all_when_set_to_zero() -> None:
    none = limits(Override("b2.lunches_per_day", Scope.TEAM, str(TEAM), 0))
    refusal = refused(decide_leave(LeaveKind.LUNCH, QUIET, none), "B2")
    assert numbers(refusal) == ["0"]


def test_b2_exhausted_quota_is_refused_even_during_a_call() -> None:
    on_call = floor(agent_state=AgentState.ON_CALL, taken_today={LeaveKind.BREAK: 2})
    refused(decide_leave(LeaveKind.BREAK, on_call, DEFAULT), "B2")


@pytest.mark.parametrize("kind", NOT_BREAKS)
def test_b2_personal_time_and_away_have_no_daily_quota(kind: LeaveKind) -> None:
    started(decide_leave(kind, floor(taken_today={kind: 50}), DEFAULT))


# -- B2: length of breaks -------------------------------------------------------------------


def test_b2_overrun_is_measured_from_the_allowed_length() -> None:
    assert break_overrun(LeaveKind.BREAK, T0, T0 + timedelta(minutes=14), DEFAULT) is None
    assert break_overrun(LeaveKind.BREAK, T0, T0 + timedelta(minutes=15), DEFAULT) is None
    assert break_overrun(
        LeaveKind.BREAK, T0, T0 + timedelta(minutes=15, seconds=1), DEFAULT
    ) == timedelta(seconds=1)
    assert break_overrun(LeaveKind.BREAK, T0, T0 + timedelta(minutes=22), DEFAULT) == timedelta(
        minutes=7
    )


def test_b2_lunch_overrun_uses_the_lunch_length() -> None:
    assert break_overrun(LeaveKind.LUNCH, T0, T0 + timedelta(minutes=30), DEFAULT) is None
    assert break_overrun(LeaveKind.LUNCH, T0, T0 + timedelta(minutes=41), DEFAULT) == timedelta(
        minutes=11
    )


def test_b2_overrun_follows_the_overridden_length() -> None:
    short = limits(Override("b2.short_break_length", Scope.TEAM, str(TEAM), timedelta(minutes=5)))
    assert break_overrun(LeaveKind.BREAK, T0, T0 + timedelta(minutes=9), short) == timedelta(
        minutes=4
    )


@pytest.mark.parametrize("kind", NOT_BREAKS)
def test_b2_personal_time_and_away_never_overrun(kind: LeaveKind) -> None:
    assert break_overrun(kind, T0, T0 + timedelta(hours=5), DEFAULT) is None


# -- B3: not while customers wait -----------------------------------------------------------


@pytest.mark.parametrize("kind", BREAKS)
def test_b3_break_refused_while_a_call_waits(kind: LeaveKind) -> None:
    refusal = refused(decide_leave(kind, floor(waiting_calls=3), DEFAULT), "B3")
    assert refusal.params == {"calls": 3, "callbacks": 0}
    assert numbers(refusal) == ["3", "0"]


def test_b3_due_callback_counts_as_waiting() -> None:
    refusal = refused(decide_leave(LeaveKind.BREAK, floor(callbacks_due=2), DEFAULT), "B3")
    assert refusal.params == {"calls": 0, "callbacks": 2}
    assert numbers(refusal) == ["0", "2"]


def test_b3_message_carries_both_calls_and_callbacks() -> None:
    refusal = refused(
        decide_leave(LeaveKind.LUNCH, floor(waiting_calls=4, callbacks_due=1), DEFAULT), "B3"
    )
    assert numbers(refusal) == ["4", "1"]


def test_b3_refusal_renders_through_a_translation() -> None:
    refusal = refused(decide_leave(LeaveKind.BREAK, floor(waiting_calls=5), DEFAULT), "B3")
    translated = refusal.render(lambda _: "Pas de pause : %(calls)s appels, %(callbacks)s rappels")
    assert translated == "Pas de pause : 5 appels, 0 rappels"


# -- B4: staggered breaks -------------------------------------------------------------------


@pytest.mark.parametrize("kind", BREAKS)
def test_b4_second_break_in_team_is_refused(kind: LeaveKind) -> None:
    refusal = refused(decide_leave(kind, floor(team_on_break=1), DEFAULT), "B4")
    assert refusal.params == {"on_break": 1, "limit": 1}
    assert numbers(refusal) == ["1", "1"]


def test_b4_team_override_allows_two_at_a_time() -> None:
    two = limits(Override("b4.max_on_break", Scope.TEAM, "1", 2))
    started(decide_leave(LeaveKind.BREAK, floor(team_on_break=1), two))
    refusal = refused(decide_leave(LeaveKind.BREAK, floor(team_on_break=2), two), "B4")
    assert numbers(refusal) == ["2", "2"]


def test_b4_override_of_another_team_does_not_apply() -> None:
    two_elsewhere = limits(Override("b4.max_on_break", Scope.TEAM, str(OTHER_TEAM), 2))
    refused(decide_leave(LeaveKind.BREAK, floor(team_on_break=1), two_elsewhere), "B4")


def test_b4_share_limit_is_enforced() -> None:
    half = limits(Override("b4.max_on_break_share", Scope.TEAM, str(TEAM), 50), team_size=6)
    started(decide_leave(LeaveKind.LUNCH, floor(team_on_break=2), half))
    refusal = refused(decide_leave(LeaveKind.LUNCH, floor(team_on_break=3), half), "B4")
    assert refusal.params == {"on_break": 3, "limit": 3}
    assert numbers(refusal) == ["3", "3"]


# -- B5: never leave a call in progress -----------------------------------------------------


@pytest.mark.parametrize("state", sorted(BUSY_STATES))
@pytest.mark.parametrize("kind", list(LeaveKind))
def test_b5_break_during_a_call_starts_after_it(state: AgentState, kind: LeaveKind) -> None:
    assert decide_leave(kind, floor(agent_state=state), DEFAULT) == BreakDecision(
        Outcome.AFTER_CALL
    )


def test_b5_after_call_is_decided_before_b3_b4_and_b6() -> None:
    # Whether the queue is quiet by then is decided when the call and its wrap-up end.
    busy_floor = floor(
        agent_state=AgentState.ON_CALL,
        waiting_calls=4,
        team_on_break=3,
        available_others={Q1: 0, Q2: 0},
    )
    assert decide_leave(LeaveKind.BREAK, busy_floor, DEFAULT).outcome is Outcome.AFTER_CALL


@pytest.mark.parametrize("state", [AgentState.READY, *sorted(AWAY_STATES)])
def test_b5_agent_without_a_call_starts_at_once(state: AgentState) -> None:
    started(decide_leave(LeaveKind.PERSONAL, floor(agent_state=state), DEFAULT))


# -- B6: the queue stays staffed ------------------------------------------------------------


@pytest.mark.parametrize("kind", list(LeaveKind))
def test_b6_leaving_refused_when_queue_would_be_unstaffed(kind: LeaveKind) -> None:
    refusal = refused(decide_leave(kind, floor(available_others={Q1: 2, Q2: 0}), DEFAULT), "B6")
    assert refusal.params == {"left": 0, "needed": 1, "queue": Q2}
    assert numbers(refusal) == ["0", "1"]


def test_b6_a_queue_missing_from_the_snapshot_counts_as_unstaffed() -> None:
    refusal = refused(decide_leave(LeaveKind.AWAY, floor(available_others={Q1: 1}), DEFAULT), "B6")
    assert refusal.params["queue"] == Q2


def test_b6_the_first_unstaffed_queue_is_named() -> None:
    refusal = refused(
        decide_leave(LeaveKind.BREAK, floor(available_others={Q1: 0, Q2: 0}), DEFAULT), "B6"
    )
    assert refusal.params["queue"] == Q1


def test_b6_planned_minimum_per_queue_is_enforced() -> None:
    planned = limits(Override("b6.min_available_agents", Scope.QUEUE, str(Q1), 3))
    refusal = refused(
        decide_leave(LeaveKind.PERSONAL, floor(available_others={Q1: 2, Q2: 5}), planned), "B6"
    )
    assert refusal.params == {"left": 2, "needed": 3, "queue": Q1}
    assert numbers(refusal) == ["2", "3"]
    started(decide_leave(LeaveKind.PERSONAL, floor(available_others={Q1: 3, Q2: 5}), planned))


def test_b6_minimum_of_zero_lets_the_last_agent_leave() -> None:
    zero = limits(
        Override("b6.min_available_agents", Scope.QUEUE, str(Q1), 0),
        Override("b6.min_available_agents", Scope.QUEUE, str(Q2), 0),
    )
    started(decide_leave(LeaveKind.AWAY, floor(available_others={}), zero))


@pytest.mark.parametrize("state", sorted(AWAY_STATES))
@pytest.mark.parametrize("kind", list(LeaveKind))
def test_b6_a_not_ready_agent_is_the_last_hope_of_waiting_callers(
    state: AgentState, kind: LeaveKind
) -> None:
    # Declined the ringing call (away), nobody else available, the caller back in the queue.
    stranding = floor(
        agent_state=state, available_others={Q1: 0, Q2: 2}, waiting_in={Q1: 1}, waiting_calls=1
    )
    refusals = leave_refusals(kind, stranding, DEFAULT)
    assert refusals, "leaving would strand the caller"
    refusal = refusals[-1]
    assert refusal.rule_id == "B6"
    assert refusal.params == {"waiting": 1, "left": 0, "needed": 1, "queue": Q1}
    assert decide_leave(kind, stranding, DEFAULT).outcome is Outcome.REFUSED


@pytest.mark.parametrize("state", sorted(AWAY_STATES))
def test_b6_a_not_ready_agent_takes_no_one_off_an_empty_queue(state: AgentState) -> None:
    started(decide_leave(LeaveKind.AWAY, floor(agent_state=state, available_others={}), DEFAULT))
    # Calls waiting in another queue of the team's, served by a colleague, strand no one.
    served = floor(agent_state=state, available_others={Q1: 1, Q2: 0}, waiting_in={Q1: 3})
    started(decide_leave(LeaveKind.PERSONAL, served, DEFAULT))


def test_b6_every_refusing_rule_is_listed_for_an_override() -> None:
    crowded = floor(
        taken_today={LeaveKind.BREAK: 2},
        waiting_calls=1,
        team_on_break=1,
        available_others={Q1: 0, Q2: 1},
    )
    rules = [r.rule_id for r in leave_refusals(LeaveKind.BREAK, crowded, DEFAULT)]
    assert rules == ["B2", "B3", "B4", "B6"]
    assert leave_refusals(LeaveKind.BREAK, QUIET, DEFAULT) == []


def test_b6_with_one_colleague_available_the_agent_may_leave() -> None:
    started(decide_leave(LeaveKind.BREAK, floor(available_others={Q1: 1, Q2: 1}), DEFAULT))


# -- personal time and away -----------------------------------------------------------------


@pytest.mark.parametrize("kind", NOT_BREAKS)
def test_personal_time_is_not_limited_by_b3_or_b4(kind: LeaveKind) -> None:
    crowded = floor(waiting_calls=6, callbacks_due=2, team_on_break=4)
    started(decide_leave(kind, crowded, DEFAULT))


def test_leave_kinds_match_agent_states() -> None:
    assert {k.state for k in LeaveKind} == AWAY_STATES
    assert {k for k in LeaveKind if k.is_break} == set(BREAKS)


def test_quiet_floor_lets_every_kind_of_leave_start() -> None:
    for kind in LeaveKind:
        started(decide_leave(kind, QUIET, DEFAULT))


# -- property: the decision agrees with each rule taken alone -------------------------------

snapshots = st.builds(
    FloorSnapshot,
    agent_state=st.sampled_from(list(AgentState)),
    taken_today=st.dictionaries(st.sampled_from(list(LeaveKind)), st.integers(0, 4)),
    team_on_break=st.integers(0, 4),
    waiting_calls=st.integers(0, 3),
    callbacks_due=st.integers(0, 3),
    available_others=st.dictionaries(st.sampled_from([Q1, Q2]), st.integers(0, 3)),
    waiting_in=st.dictionaries(st.sampled_from([Q1, Q2]), st.integers(0, 3)),
)
limit_sets = st.builds(
    BreakLimits,
    per_day=st.fixed_dictionaries(
        {LeaveKind.BREAK: st.integers(0, 3), LeaveKind.LUNCH: st.integers(0, 2)}
    ),
    length=st.just(DEFAULT.length),
    max_on_break=st.integers(1, 3),
    min_available=st.dictionaries(st.sampled_from([Q1, Q2]), st.integers(0, 3)),
)


@settings(max_examples=400, deadline=None, database=None)
@given(kind=st.sampled_from(list(LeaveKind)), snap=snapshots, lim=limit_sets)
def test_decide_leave_follows_each_rule(
    kind: LeaveKind, snap: FloorSnapshot, lim: BreakLimits
) -> None:
    decision = decide_leave(kind, snap, lim)
    allowed = lim.per_day.get(kind)
    over_quota = allowed is not None and snap.taken_today.get(kind, 0) >= allowed
    waiting = snap.waiting_calls + snap.callbacks_due > 0
    crowded = snap.team_on_break >= lim.max_on_break
    unstaffed = any(
        snap.available_others.get(q, 0) < n
        and (snap.agent_state is AgentState.READY or snap.waiting_in.get(q, 0) > 0)
        for q, n in lim.min_available.items()
    )

    if over_quota:
        refused(decision, "B2")
    elif snap.agent_state in BUSY_STATES:
        assert decision.outcome is Outcome.AFTER_CALL
    elif (kind.is_break and (waiting or crowded)) or unstaffed:
        assert decision.outcome is Outcome.REFUSED
        assert decision.refusal is not None
        assert decision.refusal.rule_id in {"B3", "B4", "B6"}
        assert kind.is_break or decision.refusal.rule_id == "B6"
    else:
        started(decision)
