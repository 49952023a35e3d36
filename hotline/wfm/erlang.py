"""Erlang C (M/M/n) and Erlang A (M/M/n+M, with abandonment), exact and vectorised.

Every function takes numpy arrays (one value per interval) and answers for all intervals at
once. Loads are in Erlangs: `load = calls per second * average handling time (s)`.

Erlang C goes through the Erlang B recursion B(n) = a B(n-1) / (n + a B(n-1)), which never
overflows (unlike a^n / n!), or its closed form pmf/cdf of a Poisson(a) where a whole array
needs one n each. Erlang A follows Garnett, Mandelbaum and Reiman (2002) and Mandelbaum and
Zeltyn, "The Palm/Erlang-A queue, with applications to call centers" (2007): with
x = n mu / theta and y = lambda / theta, A(x, y) = x e^y y^-x gamma(x, y) (lower incomplete
gamma), P(wait) = A E / (1 + (A - 1) E) with E the Erlang B of n servers. The waiting-time
tails follow from the same sums: P(V > t | wait) = gamma(x, y e^-theta t) / gamma(x, y) for
the offered wait V, computed with the regularised incomplete gamma in log space.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _f(values: npt.ArrayLike) -> Array:
    return np.asarray(values, dtype=np.float64)


def erlang_b(agents: npt.ArrayLike, load: npt.ArrayLike) -> Array:
    """Blocking probability of n servers under `load` Erlangs: pmf(n) / cdf(n) of Poisson(a).

    In log space with the regularised upper gamma (cdf of Poisson), so a = 1,000 is as exact as
    a = 1; n = 0 blocks everything."""
    n, a = np.broadcast_arrays(_f(agents), _f(load))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = n * np.log(a) - a - special.gammaln(n + 1)
        b = np.exp(log_pmf) / special.gammaincc(n + 1, a)
    return np.where(a <= 0, 0.0, np.where(n <= 0, 1.0, b))


def _c_from_b(n: Array, a: Array, b: Array) -> Array:
    """Erlang C from Erlang B; a queue that can't keep up (n <= a) always waits."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    return np.where(a <= 0, 0.0, np.where(n <= a, 1.0, c))


def erlang_c(agents: npt.ArrayLike, load: npt.ArrayLike) -> Array:
    """Probability that a call waits (M/M/n, callers never hang up)."""
    n, a = np.broadcast_arrays(_f(agents), _f(load))
    return _c_from_b(n, a, erlang_b(n, a))


def service_level_from_c(
    c: Array, n: Array, a: Array, aht: Array | float, within: Array | float
) -> Array:
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(-(n - a) * within / aht)
    return np.where(n <= a, np.where(a <= 0, 1.0, 0.0), sl)


def service_level_c(
    agents: npt.ArrayLike, load: npt.ArrayLike, aht: npt.ArrayLike, within: npt.ArrayLike
) -> Array:
    """P(wait <= within seconds) under Erlang C."""
    n, a, h, t = np.broadcast_arrays(_f(agents), _f(load), _f(aht), _f(within))
    return service_level_from_c(erlang_c(n, a), n, a, h, t)


def asa_c(agents: npt.ArrayLike, load: npt.ArrayLike, aht: npt.ArrayLike) -> Array:
    """Average speed of answer (s) under Erlang C; infinite when n <= a."""
    n, a, h = np.broadcast_arrays(_f(agents), _f(load), _f(aht))
    return asa_from_c(erlang_c(n, a), n, a, h)


def asa_from_c(c: Array, n: Array, a: Array, aht: Array | float) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = c * aht / (n - a)
    return np.where(a <= 0, 0.0, np.where(n <= a, np.inf, asa))


def occupancy(agents: npt.ArrayLike, carried_load: npt.ArrayLike) -> Array:
    """Share of the agents' time spent on calls (carried load / agents)."""
    n, a = np.broadcast_arrays(_f(agents), _f(carried_load))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n <= 0, 0.0, np.minimum(a / n, 1.0))


def _log_lower_gamma(x: Array, z: Array) -> Array:
    """log gamma(x, z), the unregularised lower incomplete gamma, for z > 0.

    scipy's regularised P(x, z) underflows to 0 when x is far above z (long patience); there
    gamma(x, z) = z^x e^-z M(1, x + 1, z) / x with Kummer's M, which then converges fast."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = special.gammainc(x, z)
        direct = np.log(p) + special.gammaln(x)
        kummer = x * np.log(z) - z - np.log(x) + np.log(special.hyp1f1(1.0, x + 1.0, z))
    return _f(np.where(p > 1e-250, direct, kummer))


@dataclass(frozen=True)
class ErlangA:
    """M/M/n+M at `agents`: every field one value per interval."""

    p_wait: Array  # an arriving call finds every agent busy
    p_abandon: Array  # callers who hang up before an answer, among all arrivals
    mean_wait: Array  # mean time in the queue over all arrivals, s (= P(abandon) / theta)
    occupancy: Array

    # Kept for the tails: x, y, log gamma(x, y) and theta of each interval.
    _x: Array
    _y: Array
    _log_gamma_xy: Array
    _theta: Array

    def p_offered_wait_within(self, seconds: npt.ArrayLike) -> Array:
        """P(V <= t): the wait a caller would have with endless patience (A2's maximum)."""
        z = self._y * np.exp(-self._theta * _f(seconds))
        ratio = np.exp(_log_lower_gamma(self._x, z) - self._log_gamma_xy)
        return np.where(self.p_wait <= 0, 1.0, 1.0 - self.p_wait * ratio)

    def answered_within(self, seconds: npt.ArrayLike) -> Array:
        """Share of all arrivals answered within t: P(V <= t and patience >= V).

        E[e^-theta V; V <= t | wait] = (gamma(x+1, y) - gamma(x+1, y u)) / (y gamma(x, y)),
        u = e^-theta t; abandoned calls count as not answered."""
        x, y = self._x, self._y
        z = y * np.exp(-self._theta * _f(seconds))
        with np.errstate(divide="ignore", invalid="ignore"):
            top = _log_lower_gamma(x + 1.0, y)
            served = np.exp(top - np.log(y) - self._log_gamma_xy)
            served_in_time = served * (1.0 - np.exp(_log_lower_gamma(x + 1.0, z) - top))
        return np.where(self.p_wait <= 0, 1.0, 1.0 - self.p_wait + self.p_wait * served_in_time)


def erlang_a(
    agents: npt.ArrayLike,
    calls_per_second: npt.ArrayLike,
    aht: npt.ArrayLike,
    patience: npt.ArrayLike,
) -> ErlangA:
    """M/M/n+M with exponential patience of mean `patience` seconds (theta = 1 / patience)."""
    n, lam, h, p = np.broadcast_arrays(_f(agents), _f(calls_per_second), _f(aht), _f(patience))
    theta, a = 1.0 / p, lam * h
    x, y = n / (h * theta), lam / theta
    log_gamma_xy = _log_lower_gamma(x, y)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # A(x, y) = x e^y y^-x gamma(x, y) = 1F1(1; x + 1; y): sum of the queue's weights.
        log_a = np.log(x) + y - x * np.log(y) + log_gamma_xy
        e = erlang_b(n, a)
        # P(wait) = 1 / (1 + (1 - E) / (A E)), stable however large A gets.
        p_wait = 1.0 / (1.0 + np.exp(np.log1p(-e) - log_a - np.log(e)))
        rho = a / n
        p_ab = p_wait * (1.0 - 1.0 / rho + np.exp(-log_a) / rho)
    p_wait = np.where(lam <= 0, 0.0, np.where(n <= 0, 1.0, p_wait))
    p_ab = np.where(lam <= 0, 0.0, np.where(n <= 0, 1.0, np.clip(p_ab, 0.0, 1.0)))
    return ErlangA(
        p_wait=p_wait,
        p_abandon=p_ab,
        mean_wait=np.where(n <= 0, np.inf, p_ab / theta),
        occupancy=occupancy(n, a * (1.0 - p_ab)),
        _x=x,
        _y=y,
        _log_gamma_xy=log_gamma_xy,
        _theta=theta,
    )
