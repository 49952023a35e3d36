"""Agents needed per interval to meet the centre's targets (Erlang C, or Erlang A with patience).

Targets as the centre states them: X % answered within T s, the A2 maximum wait kept for a
set share of callers, an average-speed-of-answer ceiling, an abandonment ceiling (Erlang A), an
occupancy cap, and shrinkage (time paid but off the phones) to turn agents on the phones into
agents to schedule. All numbers are parameters: the Django side passes rulebook settings.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hotline.wfm.erlang import (
    Array,
    IntArray,
    asa_from_c,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    service_level_from_c,
)

# Beyond this many agents above the load every target of a sane centre is met; the search
# stops there rather than looping forever on an impossible target (e.g. 100 % within 0 s).
MAX_EXTRA_AGENTS = 10_000


@dataclass(frozen=True)
class Targets:
    service_level: float = 0.8  # share of calls answered within `answer_within`
    answer_within: float = 20.0  # s
    max_wait: float | None = None  # A2 maximum wait (s) ...
    max_wait_share: float = 0.0  # ... kept for at least this share of callers
    max_asa: float | None = None  # average speed of answer ceiling (s)
    max_abandon: float | None = None  # share of callers hanging up (Erlang A only)
    max_occupancy: float = 1.0
    shrinkage: float = 0.0  # share of paid time off the phones
    patience: float | None = None  # mean patience (s): Erlang A when given, Erlang C when not

    def __post_init__(self) -> None:
        if not 0.0 <= self.shrinkage < 1.0:
            raise ValueError("shrinkage must be in [0, 1)")
        if not 0.0 < self.max_occupancy <= 1.0:
            raise ValueError("max_occupancy must be in (0, 1]")


@dataclass(frozen=True)
class Staffing:
    load: Array  # Erlangs offered
    agents: IntArray  # on the phones
    scheduled: IntArray  # rostered, shrinkage included
    p_wait: Array
    service_level: Array
    max_wait_met: Array  # share of callers within the A2 maximum wait
    asa: Array  # s; Erlang A: mean wait of all arrivals
    occupancy: Array
    p_abandon: Array


def staff(calls: npt.ArrayLike, aht: float, interval_seconds: float, targets: Targets) -> Staffing:
    """Least agents per interval meeting every target, for `calls` per interval."""
    counts = np.asarray(calls, dtype=np.float64)
    if targets.patience is None:
        agents = _least_agents_c(counts * aht / interval_seconds, aht, targets)
    else:
        agents = _least_agents_a(counts / interval_seconds, aht, targets)
    return measure(counts, agents, aht, interval_seconds, targets)


def scheduled_for(agents: npt.ArrayLike, shrinkage: float) -> IntArray:
    """Agents to roster so that `agents` are on the phones after shrinkage.

    The tolerance keeps 7 / (1 - 0.3) = 10.000000000000002 at 10, not 11."""
    raw = np.asarray(agents, dtype=np.float64) / (1.0 - shrinkage)
    return np.ceil(raw - 1e-9).astype(np.int64)


def measure(
    calls: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht: float,
    interval_seconds: float,
    targets: Targets,
) -> Staffing:
    """Every metric of the targets at the given agents per interval."""
    counts = np.asarray(calls, dtype=np.float64)
    n = np.asarray(agents, dtype=np.int64)
    load = counts * aht / interval_seconds
    m = _metrics(n.astype(np.float64), counts / interval_seconds, aht, targets)
    return Staffing(
        load=load,
        agents=n,
        scheduled=scheduled_for(n, targets.shrinkage),
        p_wait=m["p_wait"],
        service_level=m["sl"],
        max_wait_met=m["a2"],
        asa=m["asa"],
        occupancy=m["occ"],
        p_abandon=m["ab"],
    )


def _metrics(n: Array, lam: Array, aht: float, t: Targets) -> dict[str, Array]:
    a = lam * aht
    max_wait = t.max_wait if t.max_wait is not None else 0.0
    if t.patience is not None:
        q = erlang_a(n, lam, aht, t.patience)
        return {
            "p_wait": q.p_wait,
            "sl": q.answered_within(t.answer_within),
            "a2": q.p_offered_wait_within(max_wait),
            "asa": q.mean_wait,
            "occ": q.occupancy,
            "ab": q.p_abandon,
        }
    c = erlang_c(n, a)
    return {
        "p_wait": c,
        "sl": service_level_from_c(c, n, a, aht, t.answer_within),
        "a2": service_level_from_c(c, n, a, aht, max_wait),
        "asa": asa_from_c(c, n, a, aht),
        "occ": occupancy(n, a),
        "ab": np.zeros_like(a),
    }


def _meets(m: dict[str, Array], t: Targets) -> npt.NDArray[np.bool_]:
    ok = (m["sl"] >= t.service_level) & (m["occ"] <= t.max_occupancy)
    if t.max_wait is not None:
        ok &= m["a2"] >= t.max_wait_share
    if t.max_asa is not None:
        ok &= m["asa"] <= t.max_asa
    if t.max_abandon is not None:
        ok &= m["ab"] <= t.max_abandon
    return ok


def _least_agents_c(load: Array, aht: float, t: Targets) -> IntArray:
    """Walk n up from the first stable count, all intervals at once.

    Start at max(floor(a) + 1, ceil(a / cap)): fewer agents can't keep up or break the
    occupancy cap. Then B(n + 1) = a B / (n + 1 + a B) and the exponentials of the service
    level advance by one factor per step, so each step is a few array operations."""
    a = load
    busy = a > 0
    n = np.maximum(np.floor(a) + 1.0, np.ceil(a / t.max_occupancy - 1e-12))
    b = erlang_b(n, a)
    answer = np.where(busy, -1, 0).astype(np.int64)
    sl_step, sl_decay = np.exp(-t.answer_within / aht), np.exp(-(n - a) * t.answer_within / aht)
    wait = t.max_wait if t.max_wait is not None else 0.0
    a2_step, a2_decay = np.exp(-wait / aht), np.exp(-(n - a) * wait / aht)
    for _ in range(MAX_EXTRA_AGENTS):
        c = n * b / (n - a * (1.0 - b))
        ok = 1.0 - c * sl_decay >= t.service_level
        if t.max_wait is not None:
            ok &= 1.0 - c * a2_decay >= t.max_wait_share
        if t.max_asa is not None:
            ok &= c * aht / (n - a) <= t.max_asa
        newly = ok & (answer < 0)
        answer[newly] = n[newly]
        if (answer >= 0).all():
            return answer
        b = a * b / (n + 1.0 + a * b)
        n += 1.0
        sl_decay *= sl_step
        a2_decay *= a2_step
    raise ValueError("no staffing meets the targets (check service level and wait targets)")


def _least_agents_a(lam: Array, aht: float, t: Targets) -> IntArray:
    """Bisection on n per interval: every Erlang A metric is monotone in the agents.

    Abandonment can make fewer agents than the load enough, so the search starts at 0."""
    lo = np.zeros_like(lam)  # fails (or no calls, where 0 is the answer anyway)
    hi = np.maximum(np.ceil(lam * aht / t.max_occupancy), 1.0)
    for _ in range(64):  # grow hi until it meets the targets everywhere
        short = ~_meets(_metrics(hi, lam, aht, t), t)
        if not short.any():
            break
        hi = np.where(short, hi * 2.0, hi)
    else:
        raise ValueError("no staffing meets the targets (check service level and wait targets)")
    idle = lam <= 0
    while ((hi - lo) > 1.0).any():
        mid = np.floor((lo + hi) / 2.0)
        ok = _meets(_metrics(mid, lam, aht, t), t)
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    return np.where(idle, 0, hi).astype(np.int64)
