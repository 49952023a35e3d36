"""From counters to the wallboard's KPIs, with confidence intervals and per-interval tables.

The ratios are those of `hotline.core.kpi` (same numerators and denominators, see there):
service level over resolved offers with short abandons left out, ASA over answered calls,
abandonment over resolved offers, AHT over ended calls (talk plus wrap-up).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hotline.core.kpi import CallRecord
from hotline.sim.scenario import Scenario
from hotline.sim.state import F_CALLBACK, F_OVERFLOWED, F_TRANSFERRED, RunResult

# Two-sided 95 % Student t quantiles by degrees of freedom (1..30); 1.96 beyond.
_T95 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)


def t95(df: int) -> float:
    return _T95[df - 1] if 1 <= df <= len(_T95) else 1.96


Totals = dict[str, float]


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def kpis(c: Totals) -> dict[str, float | None]:
    long_abandoned = c["abandoned"] - c["short_abandoned"]
    resolved = c["answered"] + long_abandoned + c["overflowed"] + c["to_callback"]
    return {
        "service_level": _ratio(c["within"], resolved),
        "service_level_answered": _ratio(c["within"], c["answered"]),
        "asa_seconds": _ratio(c["wait_answered"], c["answered"]),
        "mean_wait_seconds": _ratio(
            c["wait_answered"] + c["wait_abandoned"], c["answered"] + c["abandoned"]
        ),
        "abandonment_rate": _ratio(long_abandoned, resolved),
        "aht_seconds": _ratio(c["handle_time"], c["handled"]),
        "transfer_rate": _ratio(c["transferred"], c["answered"]),
        "overflow_rate": _ratio(c["overflowed"], resolved),
        "callback_rate": _ratio(c["to_callback"], resolved),
    }


COUNT_KEYS = ("offered", "answered", "abandoned", "overflowed", "to_callback", "over_limit")


def _sum(run: RunResult, slots: Sequence[int]) -> Totals:
    return {name: sum(values[s] for s in slots) for name, values in run.counters.items()}


def _add(into: Totals, more: Totals) -> None:
    for key, value in more.items():
        into[key] = into.get(key, 0.0) + value


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    units: int  # replications or batches behind the interval

    def as_json(self, digits: int = 4) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, digits)

        return {"value": r(self.value), "ci95": [r(self.low), r(self.high)], "n": self.units}

    def contains(self, x: float) -> bool:
        return self.low is not None and self.high is not None and self.low <= x <= self.high


# The KPIs that are shares (the others are times in seconds).
SHARES = frozenset(
    {
        "service_level",
        "service_level_answered",
        "abandonment_rate",
        "transfer_rate",
        "overflow_rate",
        "callback_rate",
        "occupancy",
    }
)


def estimate(
    pooled: float | None, unit_values: Sequence[float | None], *, share: bool = False
) -> Estimate:
    """The pooled value with a Student t interval over the units, kept inside what the KPI can
    be (no time below 0, no share outside 0-100 %): with few units the bare interval can
    leave it, and a negative overflow rate helps nobody."""
    values = [v for v in unit_values if v is not None]
    if pooled is None or len(values) < 2:
        return Estimate(pooled, None, None, len(values))
    half = t95(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    high = min(pooled + half, 1.0) if share else pooled + half
    return Estimate(pooled, max(pooled - half, 0.0), high, len(values))


def summarize(scenario: Scenario, runs: Sequence[RunResult]) -> dict[str, Any]:
    """The JSON summary: KPIs with 95 % intervals, per-interval table, refusals and log."""
    first = runs[0]
    kept = list(range(first.slots - 1))
    batches = (first.slots - 1) // first.intervals
    units: list[Totals] = []
    occupancy_units: list[float | None] = []
    total: Totals = {}
    for run in runs:
        if len(runs) > 1:
            units.append(_sum(run, kept))
        else:
            for b in range(batches):
                units.append(_sum(run, range(b * run.intervals, (b + 1) * run.intervals)))
        occupancy_units.append(_ratio(run.handling, run.staffed))
        _add(total, _sum(run, kept))
    pooled = kpis(total)
    per_unit = [kpis(u) for u in units]
    kpi_out = {
        name: estimate(value, [u[name] for u in per_unit], share=name in SHARES).as_json()
        for name, value in pooled.items()
    }
    staffed = sum(r.staffed for r in runs)
    kpi_out["occupancy"] = estimate(
        _ratio(sum(r.handling for r in runs), staffed),
        occupancy_units if len(runs) > 1 else [],
        share=True,
    ).as_json()
    counts = {key: int(total.get(key, 0)) for key in COUNT_KEYS}
    counts["callbacks_made"] = sum(r.callbacks_made for r in runs)
    counts["callbacks_completed"] = sum(r.callbacks_completed for r in runs)
    counts["answered_after_overflow"] = sum(r.answered_after_overflow for r in runs)
    refusals: dict[str, int] = {}
    for run in runs:
        for rule, n in run.refusals.items():
            refusals[rule] = refusals.get(rule, 0) + n
    return {
        "scenario": scenario.name,
        "mode": "textbook" if scenario.textbook else "floor",
        "start": scenario.start.isoformat(),
        "duration_seconds": scenario.duration,
        "warmup_seconds": scenario.warmup,
        "replications": len(runs),
        "ci_from": "replications" if len(runs) > 1 else f"{batches} batch means",
        "service_level_threshold_seconds": scenario.threshold,
        "kpis": kpi_out,
        "counts": counts,
        "callback_completion": _ratio(counts["callbacks_completed"], counts["callbacks_made"]),
        "intervals": interval_table(scenario, runs),
        "refusals_by_rule": dict(sorted(refusals.items())),
        "decision_log": runs[0].log,
        "decision_log_dropped": runs[0].log_dropped,
        "events": sum(r.events for r in runs),
    }


def interval_table(scenario: Scenario, runs: Sequence[RunResult]) -> list[dict[str, Any]]:
    """One row per interval of the day with calls, pooled over days, batches and replications."""
    first = runs[0]
    rows = []
    batches = (first.slots - 1) // first.intervals
    for i in range(first.intervals):
        slots = [b * first.intervals + i for b in range(batches)]
        total: Totals = {}
        for run in runs:
            _add(total, _sum(run, slots))
        if not total.get("offered"):
            continue
        k = kpis(total)
        start = timedelta(seconds=i * scenario.interval)
        rows.append(
            {
                "interval": f"{int(start.total_seconds() // 3600):02d}:"
                f"{int(start.total_seconds() % 3600 // 60):02d}",
                "offered": int(total["offered"]),
                "answered": int(total["answered"]),
                "abandoned": int(total["abandoned"]),
                "service_level": _round(k["service_level"]),
                "asa_seconds": _round(k["asa_seconds"], 1),
                "abandonment_rate": _round(k["abandonment_rate"]),
            }
        )
    return rows


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def call_records(scenario: Scenario, run: RunResult) -> list[CallRecord]:
    """The kept calls as `kpi.CallRecord`s (for audits and to check the counters against
    `kpi.floor_kpis`)."""
    start = scenario.start if scenario.start.tzinfo else scenario.start.replace(tzinfo=UTC)

    def at(x: float | None) -> datetime | None:
        return None if x is None else start + timedelta(seconds=x)

    out = []
    for arrived, answered, ended, wrapped, flags in run.calls:
        if flags & F_CALLBACK:
            continue
        abandoned = bool(flags & 16) and not flags & F_OVERFLOWED
        out.append(
            CallRecord(
                arrived_at=start + timedelta(seconds=arrived),
                answered_at=at(answered) if not flags & F_OVERFLOWED else None,
                ended_at=at(ended),
                wrap_up_ended_at=at(wrapped)
                if answered is not None and not flags & F_OVERFLOWED
                else None,
                abandoned=abandoned,
                overflowed=bool(flags & F_OVERFLOWED),
                transferred=bool(flags & F_TRANSFERRED),
            )
        )
    return out


ProgressFn = Callable[[float], None]
