"""With the floor-only rules off, the simulator is an M/M/c(+M) queue: it must agree with
Erlang C and Erlang A within its own 95 % confidence intervals."""

import math
from typing import Any

import pytest

from hotline.sim.engine import Simulation
from hotline.sim.results import summarize
from hotline.sim.scenario import parse
from hotline.sim.theory import erlang_a, erlang_c


def _textbook(
    agents: int, per_minute: float, aht: str, days: int, patience: str | None
) -> dict[str, Any]:
    queue = {"name": "line", "handle": {"exponential": aht}, "arrivals": {"per_minute": per_minute}}
    if patience:
        queue["patience"] = {"exponential": patience}
    scenario = parse(
        {
            "rules": "textbook",
            "duration": f"{days} d",
            "warmup": "2 h",
            "batches": 20,
            "seed": 7,
            "service_level": {"threshold": 20, "short_abandon": 0},
            "queues": [queue],
            "agents": [{"count": agents}],
        }
    )
    return summarize(scenario, [Simulation(scenario, 7, batches=20).run()])


def _inside(kpi: dict[str, Any], exact: float) -> bool:
    low, high = kpi["ci95"]
    return bool(low <= exact <= high)


def test_erlang_c_service_level_and_asa_within_confidence_intervals() -> None:
    summary = _textbook(agents=10, per_minute=1.6, aht="5 min", days=60, patience=None)
    exact = erlang_c(10, 1.6 / 60, 1 / 300, 20)
    kpis = summary["kpis"]
    assert summary["counts"]["offered"] > 100_000
    assert summary["counts"]["abandoned"] == 0
    assert _inside(kpis["service_level"], exact.service_level), (kpis, exact)
    assert _inside(kpis["asa_seconds"], exact.asa or 0), (kpis, exact)
    assert _inside(kpis["mean_wait_seconds"], exact.mean_wait), (kpis, exact)
    # The intervals are tight enough to mean something.
    assert kpis["service_level"]["ci95"][1] - kpis["service_level"]["ci95"][0] < 0.04


def test_erlang_a_service_level_abandonment_and_wait_within_confidence_intervals() -> None:
    summary = _textbook(agents=10, per_minute=2.0, aht="5 min", days=40, patience="2 min")
    exact = erlang_a(10, 2 / 60, 1 / 300, 1 / 120, 20)
    kpis = summary["kpis"]
    assert summary["counts"]["abandoned"] > 5_000
    assert _inside(kpis["service_level"], exact.service_level), (kpis, exact)
    assert _inside(kpis["abandonment_rate"], exact.abandonment), (kpis, exact)
    assert _inside(kpis["mean_wait_seconds"], exact.mean_wait), (kpis, exact)


def test_theory_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    c = erlang_c(10, 1.6 / 60, 1 / 300, 20)
    a = erlang_a(10, 1.6 / 60, 1 / 300, 1e-9, 20)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.mean_wait == pytest.approx(c.mean_wait, rel=1e-3)
    assert a.abandonment < 1e-6


def test_theory_erlang_c_matches_the_textbook_example() -> None:
    # 10 erlangs (2 calls a minute, 5 minutes each) on 12 agents: P(wait) = 0.4494.
    c = erlang_c(12, 2 / 60, 1 / 300, 20)
    assert c.p_wait == pytest.approx(0.4494, abs=1e-4)
    assert c.service_level == pytest.approx(
        1 - 0.4494 * math.exp(-(12 / 300 - 2 / 60) * 20), abs=1e-4
    )


def test_theory_erlang_a_agrees_with_the_workforce_module_closed_form() -> None:
    # Two independent methods: our birth-death chain vs hotline.wfm's incomplete gammas.
    wfm = pytest.importorskip("hotline.wfm.erlang")
    for agents, per_minute, patience in ((10, 2.0, 120.0), (50, 9.0, 180.0), (5, 1.2, 60.0)):
        ours = erlang_a(agents, per_minute / 60, 1 / 300, 1 / patience, 20)
        theirs = wfm.erlang_a(agents, per_minute / 60, 300.0, patience)
        assert ours.p_wait == pytest.approx(float(theirs.p_wait), abs=1e-6)
        assert ours.abandonment == pytest.approx(float(theirs.p_abandon), abs=1e-6)
        assert ours.mean_wait == pytest.approx(float(theirs.mean_wait), rel=1e-5)
        assert ours.service_level == pytest.approx(float(theirs.answered_within(20)), abs=1e-5)
