"""The event loop has a fast path (the common steps written out inline) and a general path
(`arrive`, `connect`, `answer`, `take_next`); with the same seed both must count the same.

The general path is forced by `keep_calls` (any audit turns the inline steps off, see
`Simulation.audit`); keeping the call records does not touch the counters."""

from dataclasses import replace
from pathlib import Path

import pytest

from hotline.sim.engine import Simulation
from hotline.sim.scenario import Scenario, load

DOCS = Path(__file__).resolve().parents[3] / "docs" / "scenarios"


def _both_paths(scenario: Scenario, seed: int) -> tuple[Simulation, Simulation]:
    fast = Simulation(replace(scenario, keep_calls=False), seed, batches=2)
    general = Simulation(replace(scenario, keep_calls=True), seed, batches=2)
    assert not fast.audit
    assert general.audit
    return fast, general


@pytest.mark.parametrize("name", ["day.yaml", "mm50.json"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_and_general_paths_give_the_same_counters_on_the_same_seed(
    name: str, seed: int
) -> None:
    # day.yaml has every floor rule on (A2 callbacks and overflow, breaks, wrap-up, shifts);
    # mm50.json is the textbook queue with impatient callers.
    scenario = load(DOCS / name)
    scenario = replace(scenario, duration=min(scenario.duration, 2 * 86400.0))
    fast_sim, general_sim = _both_paths(scenario, seed)
    fast, general = fast_sim.run(), general_sim.run()
    assert sum(fast.counters["offered"]) > 1000
    assert fast.counters == general.counters
    assert fast.refusals == general.refusals
    assert (fast.staffed, fast.handling) == (general.staffed, general.handling)
    assert (fast.callbacks_made, fast.callbacks_completed, fast.answered_after_overflow) == (
        general.callbacks_made,
        general.callbacks_completed,
        general.answered_after_overflow,
    )
    if name == "day.yaml":  # the floor rules were exercised, not only the plain queue
        assert fast.callbacks_made > 0
        assert sum(fast.counters["abandoned"]) > 0
