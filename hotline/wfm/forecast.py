"""Calls per 15-minute interval by weekday and time of day, with the error on a holdout.

The method is a seasonal profile with a trend, written out rather than taken from a heavy
library: each week's calls are split into a weekly total and a shape (the share of the week's
calls in each interval). The total follows a least-squares line over the weeks; the shape is an
exponentially weighted average of past weeks' shapes, so recent weeks count more. The forecast
is the projected total times the shape. A seasonal-naive forecast (the same interval last
week) is measured alongside as the baseline to beat.

History comes as arrival times in local wall-clock time (the caller converts from UTC), so a
DST change moves no call to the wrong hour of the day.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from hotline.wfm.erlang import Array

WEEK_DAYS = 7


@dataclass(frozen=True)
class Forecast:
    calls: Array  # (weeks ahead, intervals in a week)
    holdout_wape: float  # sum |forecast - actual| / sum actual, on the held-out weeks
    holdout_mape: float  # mean |error| / actual over intervals with calls
    baseline_wape: float  # seasonal naive (same interval last week) on the same holdout
    holdout_weeks: int


def weekly_counts(
    arrivals: Iterable[datetime], first_day: date, weeks: int, interval_minutes: int = 15
) -> Array:
    """Calls per interval: one row per week from `first_day` (a Monday), local wall time."""
    per_day = 24 * 60 // interval_minutes
    counts = np.zeros((weeks, WEEK_DAYS * per_day))
    for t in arrivals:
        days = (t.date() - first_day).days
        if 0 <= days < weeks * WEEK_DAYS:
            slot = (t.hour * 60 + t.minute) // interval_minutes
            counts[days // WEEK_DAYS, days % WEEK_DAYS * per_day + slot] += 1
    return counts


def seasonal_trend(history: Array, ahead: int = 1, decay: float = 0.7) -> Array:
    """Forecast `ahead` weeks from `history` (weeks x intervals)."""
    weeks = history.shape[0]
    totals = history.sum(axis=1)
    shares = history / np.where(totals > 0, totals, 1.0)[:, None]
    weights = decay ** np.arange(weeks - 1, -1, -1)
    shape = (weights[:, None] * shares).sum(axis=0) / weights.sum()
    slope, level = 0.0, float(totals[0])
    if weeks >= 2:
        slope, level = (float(c) for c in np.polyfit(np.arange(weeks), totals, 1))
    future = level + slope * np.arange(weeks, weeks + ahead, dtype=np.float64)
    forecast: Array = np.maximum(future, 0.0)[:, None] * shape[None, :]
    return forecast


def wape(forecast: Array, actual: Array) -> float:
    total = float(np.abs(actual).sum())
    return float(np.abs(forecast - actual).sum()) / total if total else 0.0


def mape(forecast: Array, actual: Array) -> float:
    """Over intervals with calls only: MAPE is undefined where nothing was expected."""
    busy = actual > 0
    return (
        float(np.mean(np.abs(forecast[busy] - actual[busy]) / actual[busy])) if busy.any() else 0.0
    )


def forecast(
    history: Array, ahead: int = 1, holdout_weeks: int = 1, decay: float = 0.7
) -> Forecast:
    """Next `ahead` weeks from the whole history, error measured by refitting without the last
    `holdout_weeks` weeks and forecasting them."""
    if history.shape[0] <= holdout_weeks:
        raise ValueError("need more weeks of history than weeks held out")
    fit, held = history[:-holdout_weeks], history[-holdout_weeks:]
    guess = seasonal_trend(fit, holdout_weeks, decay)
    naive = np.repeat(fit[-1:], holdout_weeks, axis=0)
    return Forecast(
        calls=seasonal_trend(history, ahead, decay),
        holdout_wape=wape(guess, held),
        holdout_mape=mape(guess, held),
        baseline_wape=wape(naive, held),
        holdout_weeks=holdout_weeks,
    )
