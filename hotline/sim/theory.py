"""Exact Erlang C (M/M/c) and Erlang A (M/M/c+M) figures, to check the simulator against.

Rates are per second. "Service level" is the share of all callers answered within `t`
(callers who hang up count as misses), as `kpi.service_level_strict` with no short abandons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueFigures:
    p_wait: float  # share of callers who have to wait
    service_level: float  # answered within t, over all callers
    mean_wait: float  # seconds, over all callers (answered or not)
    asa: float | None  # seconds, over answered callers (Erlang C only)
    abandonment: float  # share of callers who hang up


def erlang_c(agents: int, arrival_rate: float, service_rate: float, t: float) -> QueueFigures:
    load = arrival_rate / service_rate
    if load >= agents:
        raise ValueError("Erlang C needs fewer erlangs than agents")
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    p_wait = agents * blocking / (agents - load * (1 - blocking))
    drain = agents * service_rate - arrival_rate
    asa = p_wait / drain
    return QueueFigures(p_wait, 1 - p_wait * math.exp(-drain * t), asa, asa, 0.0)


def erlang_a(
    agents: int, arrival_rate: float, service_rate: float, patience_rate: float, t: float
) -> QueueFigures:
    """Birth-death chain of M/M/c+M, truncated where the probabilities vanish."""
    weights = [1.0]
    n = 0
    while True:
        n += 1
        death = min(n, agents) * service_rate + max(n - agents, 0) * patience_rate
        weights.append(weights[-1] * arrival_rate / death)
        if weights[-1] > 1e250:
            weights = [w / 1e250 for w in weights]
        if n > agents and weights[-1] < 1e-18 * max(weights):
            break
    total = sum(weights)
    pi = [w / total for w in weights]
    queued = sum((k - agents) * p for k, p in enumerate(pi) if k > agents)
    p_wait = sum(p for k, p in enumerate(pi) if k >= agents)
    ahead = len(pi) - agents  # most callers a new caller can find ahead of them
    served = _served_within(agents, service_rate, patience_rate, t, ahead)
    service_level = sum(pi[:agents]) + sum(
        pi[agents + k] * served[k] for k in range(ahead) if agents + k < len(pi)
    )
    return QueueFigures(
        p_wait,
        service_level,
        queued / arrival_rate,
        None,
        patience_rate * queued / arrival_rate,
    )


def _served_within(
    agents: int, service_rate: float, patience_rate: float, t: float, ahead: int
) -> list[float]:
    """P(a tagged caller with k callers ahead reaches an agent within t), for each k.

    With i ahead, the caller moves up at rate c*mu + i*theta (a service ends or someone ahead
    hangs up) and hangs up at rate theta; solved by uniformization.
    """
    top = agents * service_rate + ahead * patience_rate + patience_rate
    mean_jumps = top * t
    jumps = int(mean_jumps + 12 * math.sqrt(mean_jumps) + 30)
    forward = [(agents * service_rate + i * patience_rate) / top for i in range(ahead)]
    stay = [1 - forward[i] - patience_rate / top for i in range(ahead)]
    u = [0.0] * ahead
    result = [0.0] * ahead
    poisson = math.exp(-mean_jumps)  # P(N = 0)
    log_poisson = -mean_jumps
    for n in range(jumps + 1):
        if n > 0:
            u = [forward[i] * (1.0 if i == 0 else u[i - 1]) + stay[i] * u[i] for i in range(ahead)]
            log_poisson += math.log(mean_jumps) - math.log(n)
            poisson = math.exp(log_poisson)
        if poisson > 0:
            for i in range(ahead):
                result[i] += poisson * u[i]
    return result
