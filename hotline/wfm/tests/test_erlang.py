"""Erlang C and Erlang A against published values, hand computations and brute force.

The brute force is written from the queue's definition, independently of hotline.wfm.erlang:
Erlang C from the stationary distribution in exact fractions, Erlang A from a truncated
birth-death chain and the tagged caller's position as a Markov chain (matrix exponential).
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.linalg import expm

from hotline.wfm.erlang import asa_c, erlang_a, erlang_b, erlang_c, service_level_c


def brute_erlang_c(n: int, a: Fraction) -> Fraction:
    """P(wait) of M/M/n from p_k = a^k / k! (k < n) and the geometric tail past n."""
    below = sum(a**k / math.factorial(k) for k in range(n))
    tail = a**n / math.factorial(n) * Fraction(n) / (n - a)
    return tail / (below + tail)


def brute_erlang_a(n: int, lam: float, aht: float, patience: float, t: float, states: int = 400):
    """(P(wait), P(abandon), P(offered wait <= t), answered within t) of M/M/n+M."""
    mu, theta = 1.0 / aht, 1.0 / patience
    death = [min(k, n) * mu + max(k - n, 0) * theta for k in range(states)]
    weights = [1.0]
    for k in range(1, states):
        weights.append(weights[-1] * lam / death[k])
    p = np.array(weights) / sum(weights)
    p_wait = p[n:].sum()
    p_abandon = theta * sum((k - n) * p[k] for k in range(n, states)) / lam
    ahead = p[n:] / p_wait  # the caller finds j callers ahead
    m = len(ahead)
    # Tagged caller: state j = callers ahead; last two states "answered" and "hung up".
    q = np.zeros((m + 2, m + 2))
    for j in range(m):
        forward = n * mu + j * theta  # someone ahead is answered or hangs up
        q[j, j - 1 if j else m] += forward
        q[j, m + 1] += theta  # the tagged caller hangs up
        q[j, j] -= forward + theta
    start = np.concatenate([ahead, [0.0, 0.0]])
    at_t = start @ expm(q * t)
    # Offered wait: the same chain without the tagged caller's own patience.
    q_offered = q.copy()
    q_offered[:, m + 1] = 0.0
    np.fill_diagonal(q_offered, 0.0)
    np.fill_diagonal(q_offered, -q_offered.sum(axis=1))
    offered_done = (start @ expm(q_offered * t))[m]
    answered = (1 - p_wait) + p_wait * at_t[m]
    return p_wait, p_abandon, (1 - p_wait) + p_wait * offered_done, answered


def test_erlang_c_hand_computed_two_erlangs_three_agents() -> None:
    # By hand: p_k ~ 1, 2, 2, and the tail 8/6 * 3/(3-2) = 4, so P(wait) = 4 / 9,
    # ASA = P(wait) * AHT / (n - a) = 4/9 * 300 s.
    assert erlang_c(3, 2) == pytest.approx(4 / 9, rel=1e-14)
    assert asa_c(3, 2, 300) == pytest.approx(4 / 9 * 300, rel=1e-14)
    # Erlang B by the recursion by hand: 2/3, 2/5, 4/19.
    assert erlang_b(3, 2) == pytest.approx(4 / 19, rel=1e-14)


def test_erlang_c_published_call_centre_helper_example() -> None:
    # Call Centre Helper, "Erlang C formula - made simple": 100 calls in 30 min, AHT 180 s
    # (10 Erlangs), 14 agents: probability of waiting 17.41 %, service level 20 s 88.84 %.
    assert erlang_c(14, 10) == pytest.approx(0.1741, abs=5e-5)
    assert service_level_c(14, 10, 180, 20) == pytest.approx(0.8884, abs=5e-5)


@pytest.mark.parametrize(
    ("n", "a"), [(1, "1/2"), (5, "4"), (12, "10.5"), (30, "27.25"), (60, "51")]
)
def test_erlang_c_matches_exact_fractions(n: int, a: str) -> None:
    assert erlang_c(n, float(Fraction(a))) == pytest.approx(
        float(brute_erlang_c(n, Fraction(a))), rel=1e-12
    )


def test_erlang_c_is_vectorised_and_exact_at_large_loads() -> None:
    n = np.array([130, 140, 150])
    got = erlang_c(n, 125.0)
    want = [float(brute_erlang_c(int(k), Fraction(125))) for k in n]
    np.testing.assert_allclose(got, want, rtol=1e-11)


def test_erlang_c_edge_cases() -> None:
    assert erlang_c(5, 0.0) == 0.0  # no calls, no wait
    assert erlang_c(5, 5.0) == 1.0  # can't keep up: everyone waits
    assert service_level_c(5, 6.0, 300, 20) == 0.0


def test_erlang_a_hand_computed_one_agent_equal_rates() -> None:
    # n = 1, lambda = mu = theta = 1: every death rate is k, so N ~ Poisson(1).
    # P(wait) = 1 - e^-1; abandonment rate E[(N-1)+] = e^-1 = lambda P(abandon);
    # P(V > t) = 1 - exp(-e^-t) from gamma(1, e^-t) / gamma(1, 1).
    q = erlang_a(1, 1.0, 1.0, 1.0)
    assert q.p_wait == pytest.approx(1 - math.exp(-1), rel=1e-13)
    assert q.p_abandon == pytest.approx(math.exp(-1), rel=1e-13)
    assert q.p_offered_wait_within(0.5) == pytest.approx(math.exp(-math.exp(-0.5)), rel=1e-13)
    assert q.mean_wait == pytest.approx(math.exp(-1), rel=1e-13)  # Little: E[Q] / lambda


@pytest.mark.parametrize(
    ("n", "calls_per_hour", "aht", "patience", "t"),
    [
        (3, 30, 300, 120, 20),
        (10, 120, 300, 180, 20),
        (25, 300, 280, 90, 60),
        (8, 120, 300, 600, 180),
    ],
)
def test_erlang_a_matches_brute_force(n, calls_per_hour, aht, patience, t) -> None:
    lam = calls_per_hour / 3600
    q = erlang_a(n, lam, aht, patience)
    p_wait, p_ab, offered, answered = brute_erlang_a(n, lam, aht, patience, t)
    assert q.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert q.p_abandon == pytest.approx(p_ab, rel=1e-9)
    assert q.p_offered_wait_within(t) == pytest.approx(offered, rel=1e-8)
    assert q.answered_within(t) == pytest.approx(answered, rel=1e-8)


def test_erlang_a_tends_to_erlang_c_when_nobody_hangs_up() -> None:
    q = erlang_a(14, 10 / 180, 180, 1e7)
    assert q.p_wait == pytest.approx(erlang_c(14, 10), rel=1e-4)
    assert q.p_offered_wait_within(20) == pytest.approx(service_level_c(14, 10, 180, 20), rel=1e-4)


def test_erlang_a_with_fewer_agents_than_load_is_stable() -> None:
    # Abandonment keeps the queue finite: overloaded intervals still get a finite answer.
    q = erlang_a(np.array([5, 10]), np.array([20 / 60, 20 / 60]), 60.0, 30.0)
    assert np.all((q.p_wait > 0) & (q.p_wait < 1))
    assert q.p_abandon[0] > q.p_abandon[1] > 0
