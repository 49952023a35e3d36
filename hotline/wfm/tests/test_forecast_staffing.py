"""Forecast by weekday and time of day, and staffing to the centre's targets."""

import math
from datetime import date, datetime

import numpy as np
import pytest

from hotline.wfm.erlang import erlang_a, service_level_c
from hotline.wfm.forecast import forecast, seasonal_trend, weekly_counts
from hotline.wfm.staffing import Targets, measure, scheduled_for, staff

MONDAY = date(2026, 11, 2)


def synthetic_history(weeks: int, growth: float = 0.02, seed: int = 3) -> np.ndarray:
    """Poisson calls around a weekly shape (busy mornings, quiet weekends) that grows 2 %
    a week."""
    rng = np.random.default_rng(seed)
    slot = np.arange(96)
    day = np.exp(-(((slot - 40) / 8) ** 2)) + 0.6 * np.exp(-(((slot - 58) / 6) ** 2))
    week = np.concatenate([day * f for f in (1.2, 1.0, 1.0, 1.0, 0.9, 0.5, 0.3)]) * 40
    return np.stack([rng.poisson(week * (1 + growth) ** w) for w in range(weeks)]).astype(float)


def test_weekly_counts_bins_by_local_weekday_and_quarter_hour() -> None:
    arrivals = [
        datetime(2026, 11, 2, 8, 29),  # Monday 8:15-8:30
        datetime(2026, 11, 2, 8, 30),  # Monday 8:30-8:45
        datetime(2026, 11, 15, 23, 59),  # Sunday of week 2, last interval
        datetime(2026, 11, 16, 0, 0),  # past the horizon
    ]
    counts = weekly_counts(arrivals, MONDAY, weeks=2)
    assert counts.shape == (2, 672)
    assert counts[0, 33] == 1
    assert counts[0, 34] == 1
    assert counts[1, 671] == 1
    assert counts.sum() == 3


def test_forecast_follows_the_trend_and_beats_seasonal_naive() -> None:
    history = synthetic_history(10)
    result = forecast(history, ahead=1, holdout_weeks=2)
    assert result.calls.shape == (1, 672)
    assert result.holdout_wape < result.baseline_wape
    assert result.holdout_wape < 0.2
    expected_total = history[-1].sum() * 1.02
    assert result.calls.sum() == pytest.approx(expected_total, rel=0.05)


def test_forecast_of_a_flat_exact_pattern_is_exact() -> None:
    pattern = np.tile(np.arange(672, dtype=float) % 7, (4, 1))
    np.testing.assert_allclose(seasonal_trend(pattern, 1)[0], pattern[0], atol=1e-9)
    assert forecast(pattern).holdout_wape == pytest.approx(0.0, abs=1e-12)


def brute_least_agents(calls: float, aht: float, interval: float, t: Targets) -> int:
    """Scalar linear search from 1 with the Erlang C metrics."""
    a = calls * aht / interval
    if a == 0:
        return 0
    n = 1
    while True:
        ok = service_level_c(n, a, aht, t.answer_within) >= t.service_level and a / n <= (
            t.max_occupancy
        )
        if t.max_wait is not None:
            ok = ok and service_level_c(n, a, aht, t.max_wait) >= t.max_wait_share
        if ok:
            return n
        n += 1


def test_staffing_erlang_c_matches_brute_force_per_interval() -> None:
    calls = np.array([0, 1, 12.5, 50, 125, 200, 375])
    targets = Targets(
        service_level=0.8, answer_within=20, max_wait=180, max_wait_share=0.99, max_occupancy=0.9
    )
    got = staff(calls, 300, 900, targets)
    want = [brute_least_agents(c, 300, 900, targets) for c in calls]
    assert got.agents.tolist() == want
    assert np.all(got.service_level[calls > 0] >= 0.8)
    assert np.all(got.max_wait_met[calls > 0] >= 0.99)


def test_staffing_call_centre_helper_example_needs_14_agents() -> None:
    # Call Centre Helper's example (100 calls in 30 min, AHT 180 s, 80 % in 20 s): the
    # published answer is 14 agents (88.8 %); 13 fall short of 80 %.
    got = staff([100], 180, 1800, Targets(service_level=0.8, answer_within=20))
    assert got.agents.tolist() == [14]
    assert service_level_c(13, 10, 180, 20) < 0.8


def test_occupancy_cap_and_shrinkage() -> None:
    got = staff([300], 300, 900, Targets(service_level=0.0, max_occupancy=0.85, shrinkage=0.3))
    assert got.agents[0] == math.ceil(100 / 0.85)  # the cap decides: 118
    assert got.scheduled[0] == math.ceil(118 / 0.7)
    assert scheduled_for([7], 0.3).tolist() == [10]  # not 11 from 10.000000000000002


def test_staffing_erlang_a_is_the_least_meeting_the_targets() -> None:
    targets = Targets(
        service_level=0.8, answer_within=20, patience=180, max_abandon=0.03, max_asa=30
    )
    calls = np.array([20.0, 120.0, 400.0])
    got = staff(calls, 300, 900, targets)
    for c, n in zip(calls, got.agents, strict=True):
        for k, ok in ((n, True), (n - 1, False)):
            q = erlang_a(k, c / 900, 300, 180)
            meets = q.answered_within(20) >= 0.8 and q.p_abandon <= 0.03 and q.mean_wait <= 30
            assert bool(meets) is ok
    # Abandonment relieves the queue: fewer agents than Erlang C asks for.
    assert np.all(got.agents <= staff(calls, 300, 900, Targets(answer_within=20)).agents)


def test_measure_reports_the_metrics_of_a_given_staffing() -> None:
    m = measure([100], [14], 180, 1800, Targets(answer_within=20))
    assert m.service_level[0] == pytest.approx(0.8884, abs=5e-5)
    assert m.occupancy[0] == pytest.approx(10 / 14)
