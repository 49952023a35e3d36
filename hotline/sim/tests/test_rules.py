"""Scripted scenarios replay exact events through the live rule core; every refusal in the
decision log names its rule."""

from typing import Any

from hotline.core.refusal import RULE_IDS
from hotline.sim.runner import simulate
from hotline.sim.scenario import parse


def _run(script: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    agents = extra.pop("agents", [{"name": n} for n in ("ann", "bob", "cat")])
    queues = extra.pop(
        "queues", [{"name": "line", "handle": {"fixed": "10 min"}, "wrap_up": "30 s"}]
    )
    return simulate(
        parse({"duration": "1 d", "queues": queues, "agents": agents, "script": script, **extra})
    )


def _entries(summary: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [e for e in summary["decision_log"] if e["action"] == action]


def _refusals(summary: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["agent"], e["rule"]) for e in summary["decision_log"] if e.get("refused")]


def test_every_refusal_in_the_log_names_a_rule_of_the_rulebook() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "break", "agent": "ann"},
            {"at": "08:01", "event": "break", "agent": "bob"},
            {"at": "08:02", "event": "transfer", "agent": "cat", "to": "bob"},
        ]
    )
    refused = [e for e in summary["decision_log"] if e.get("refused")]
    assert refused
    assert all(e["rule"] in RULE_IDS and e["detail"] for e in refused)
    assert summary["refusals_by_rule"] == {"B10": 1, "B4": 1}


def test_b9_longest_idle_agent_gets_the_call_and_the_log_lists_the_candidates() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "call", "handle": "5 min"},
            # ann is ready again at 08:05:30 (wrap-up 30 s); bob has been idle since 00:00.
            {"at": "08:10", "event": "call", "handle": "5 min"},
        ]
    )
    first, second = _entries(summary, "offered")
    assert (first["agent"], first["candidates"]) == ("ann", ["ann", "bob", "cat"])
    assert (second["agent"], second["candidates"]) == ("bob", ["bob", "cat", "ann"])


def test_b4_second_break_of_the_team_is_refused_while_one_is_on_break() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "break", "agent": "ann"},
            {"at": "08:01", "event": "break", "agent": "bob"},
            {"at": "08:20", "event": "break", "agent": "bob"},  # ann is back at 08:15
        ]
    )
    assert _refusals(summary) == [("bob", "B4")]
    started = [e["agent"] for e in _entries(summary, "leave_started")]
    assert started == ["ann", "bob"]


def test_b6_last_available_agent_of_the_queue_cannot_leave() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "break", "agent": "ann"},
            {"at": "08:01", "event": "break", "agent": "bob"},
        ],
        agents=[{"name": "ann"}, {"name": "bob"}],
        rulebook={"b4.max_on_break": 2},
    )
    assert _refusals(summary) == [("bob", "B6")]


def test_b2_quota_of_short_breaks_is_enforced() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "break", "agent": "ann"},
            {"at": "09:00", "event": "break", "agent": "ann"},
        ],
        rulebook={"b2.short_breaks_per_day": 1},
    )
    assert _refusals(summary) == [("ann", "B2")]


def test_b5_break_waits_for_the_call_and_b3_refuses_it_while_calls_wait() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "call", "handle": "5 min"},  # ann
            {"at": "08:00:01", "event": "call", "handle": "20 min"},  # bob
            {"at": "08:00:02", "event": "call", "handle": "20 min"},  # cat
            {"at": "08:01", "event": "break", "agent": "ann"},  # on a call: after it (B5)
            {"at": "08:02", "event": "call", "handle": "5 min"},  # waits for ann
        ]
    )
    assert [e["agent"] for e in _entries(summary, "leave_after_call")] == ["ann"]
    # Ann's wrap-up ends at 08:05:30 with a call waiting: B3 refuses and she takes it.
    assert _refusals(summary) == [("ann", "B3")]
    assert _entries(summary, "offered")[-1]["agent"] == "ann"


def test_b5_break_starts_after_the_call_when_nothing_waits() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "call", "handle": "5 min"},
            {"at": "08:01", "event": "lunch", "agent": "ann"},
        ]
    )
    [lunch] = _entries(summary, "leave_started")
    assert (lunch["agent"], lunch["kind"], lunch["at"]) == ("ann", "lunch", 8 * 3600 + 330)
    assert lunch["minutes"] == 30  # B2: the rulebook's lunch length


def test_a4_transfer_needs_a_ready_colleague_who_consents() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "call", "handle": "10 min"},  # ann
            {"at": "08:00:30", "event": "break", "agent": "cat"},
            {"at": "08:01", "event": "transfer", "agent": "ann", "to": "cat"},  # on break: A4
            {"at": "08:02", "event": "transfer", "agent": "ann", "to": "bob", "accept": False},
            {"at": "08:03", "event": "transfer", "agent": "ann", "to": "bob"},
        ]
    )
    assert _refusals(summary) == [("ann", "A4")]
    assert [e["action"] for e in summary["decision_log"] if e["rule"] == "A4"] == [
        "transfer_refused",
        "transfer_requested",
        "transfer_declined",
        "transfer_requested",
        "transferred",
    ]
    assert summary["kpis"]["transfer_rate"]["value"] == 1.0
    assert summary["counts"]["answered"] == 1


def test_a2_call_at_the_maximum_wait_becomes_a_callback_that_is_then_made() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "call", "handle": "10 min"},
            {"at": "08:01", "event": "call", "handle": "5 min"},
        ],
        agents=[{"name": "ann"}],
        rulebook={"a2.max_wait": "2 min", "b6.min_available_agents": 0},
    )
    [breach] = _entries(summary, "turned_into_callback")
    assert (breach["rule"], breach["at"]) == ("A2", 8 * 3600 + 180)
    assert summary["counts"]["to_callback"] == 1
    assert summary["counts"]["callbacks_made"] == summary["counts"]["callbacks_completed"] == 1
    assert summary["kpis"]["service_level"]["value"] == 0.5  # the breach is a miss


def test_a2_overflow_sends_the_call_to_the_next_group() -> None:
    summary = _run(
        [
            {"at": "08:00", "event": "call", "queue": "first", "handle": "10 min"},
            {"at": "08:01", "event": "call", "queue": "first", "handle": "5 min"},
        ],
        queues=[
            {"name": "first", "handle": {"fixed": "5 min"}, "overflow_to": "second"},
            {"name": "second", "handle": {"fixed": "5 min"}},
        ],
        agents=[{"name": "ann", "queues": ["first"]}, {"name": "bob", "queues": ["second"]}],
        rulebook={"a2.max_wait": "2 min"},
    )
    [overflow] = _entries(summary, "overflowed")
    assert (overflow["rule"], overflow["to"]) == ("A2", "second")
    assert _entries(summary, "offered")[-1]["agent"] == "bob"
    assert summary["counts"]["overflowed"] == 1
    assert summary["counts"]["answered_after_overflow"] == 1


def test_a2_overflowed_call_waits_its_own_maximum_in_the_next_group() -> None:
    """As on the floor: the A2 clock restarts when the call joins the overflow group."""
    summary = _run(
        [
            {"at": "08:00", "event": "call", "queue": "first", "handle": "10 min"},
            {"at": "08:00", "event": "call", "queue": "second", "handle": "3 min"},
            {"at": "08:01", "event": "call", "queue": "first", "handle": "5 min"},
        ],
        queues=[
            {"name": "first", "handle": {"fixed": "5 min"}, "overflow_to": "second"},
            {"name": "second", "handle": {"fixed": "5 min"}},
        ],
        agents=[{"name": "ann", "queues": ["first"]}, {"name": "bob", "queues": ["second"]}],
        rulebook={"a2.max_wait": "2 min"},
    )
    # Overflowed at 8:03 while bob talks until 8:03 + wrap-up: answered, not called back.
    assert summary["counts"]["overflowed"] == 1
    assert summary["counts"]["to_callback"] == 0
    assert summary["counts"]["answered_after_overflow"] == 1


def test_rulebook_override_changes_the_outcome_of_the_same_day() -> None:
    script = [
        {"at": "08:00", "event": "call", "handle": "10 min"},
        {"at": "08:01", "event": "call", "handle": "5 min"},
    ]
    strict = _run(script, agents=[{"name": "ann"}], rulebook={"a2.max_wait": "2 min"})
    lenient = _run(script, agents=[{"name": "ann"}], rulebook={"a2.max_wait": "30 min"})
    assert strict["counts"]["to_callback"] == 1
    assert lenient["counts"]["to_callback"] == 0
    assert lenient["counts"]["answered"] == 2


def test_shift_end_log_out_is_refused_by_b6_until_the_grace_runs_out() -> None:
    summary = _run(
        [],
        agents=[
            {"name": "early", "shifts": [{"start": "08:00", "end": "12:00"}]},
            {"name": "late", "shifts": [{"start": "08:00", "end": "13:00"}]},
        ],
        logout_grace="5 min",
    )
    assert ("late", "B6") in _refusals(summary)
    assert _entries(summary, "log_out_overridden")[0]["agent"] == "late"
    assert [e["agent"] for e in _entries(summary, "log_out")] == ["early", "late"]


def test_a1_the_simulator_resolves_the_limit_queue_team_centre_like_the_floor() -> None:
    script = [
        {"at": "08:00", "event": "call", "handle": "10 min"},  # to ann (team 1)
        {"at": "08:01", "event": "call", "handle": "10 min"},  # to bob (team 2)
    ]
    agents = [{"name": "ann", "team": 1}, {"name": "bob", "team": 2}]

    def over_limit(rulebook: Any) -> int:
        summary = _run(script, agents=agents, rulebook=rulebook)
        assert summary["counts"]["answered"] == 2
        return int(summary["counts"]["over_limit"])

    assert over_limit({}) == 0  # 10 min is within the centre's 15
    assert over_limit({"a1.max_talk": "5 min"}) == 2  # the centre's
    assert over_limit([{"key": "a1.max_talk", "value": "5 min", "team": 2}]) == 1  # bob's team
    assert over_limit([{"key": "a1.max_talk", "value": "5 min", "queue": "line"}]) == 2
    queue_beats_team = [
        {"key": "a1.max_talk", "value": "5 min", "team": 2},
        {"key": "a1.max_talk", "value": "20 min", "queue": "line"},
    ]
    assert over_limit(queue_beats_team) == 0
