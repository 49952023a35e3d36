"""Report maths (D7, D13, D15): periods, rates and the fault-share alert test.

Pure standard library, like the KPI formulas: the reports, the command and the tests share it,
and it never reads the clock.

The fault-structure alert (D13). For each fault category, this month's count ``x`` out of ``n``
field cases is tested against the category's own history: ``p0`` is its pooled share over the
previous ``history_months`` months (cases of the category / all cases in those months). Under
"nothing changed", ``x`` is binomial(n, p0); the one-sided p-value is ``P(X >= x)``, computed
exactly. The share is *abnormally high* when

- ``x >= min_count`` (a handful of cases proves nothing), and
- at least ``min_history_months`` of the previous months had cases (a baseline exists), and
- ``P(X >= x) < alpha`` (default 0.001: a steady category raises a false alarm about once
  in a thousand months, so ten categories about once in eight years).

A category never seen before (``p0 == 0``) with ``x >= min_count`` is abnormal by definition
(p-value 0). The z-score ``(x - n p0) / sqrt(n p0 (1 - p0))`` is reported alongside for reading.
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hotline.core.i18n import gettext_noop

__all__ = [
    "BadReportParameter",
    "Period",
    "ShareTest",
    "ShareVerdict",
    "binomial_upper_tail",
    "day_period",
    "month_period",
    "parse_day",
    "parse_month",
    "previous_months",
    "rate",
    "share_verdict",
    "week_period",
]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Reports cover this century: a period outside it is a typing slip (and year 9999's month
# ends in year 10000, which no date can hold).
FIRST_YEAR, LAST_YEAR = 2000, 2099
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class BadReportParameter(ValueError):
    """A report was asked for with a parameter it can't use; the message says which."""

    def __init__(self, message: str, params: dict[str, object] | None = None) -> None:
        super().__init__(message % (params or {}))
        self.message = message
        self.params = params or {}


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the local label it was asked for."""

    start: datetime
    end: datetime
    label: str
    first_day: date
    days: int


def parse_month(text: str) -> date:
    """ "2026-10" -> date(2026, 10, 1); anything else is refused with the expected form."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadReportParameter(
            gettext_noop("Month %(value)s is not a month: write it as YYYY-MM, e.g. 2026-10."),
            {"value": repr(text)},
        )
    _check_year(int(match.group(1)), text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_day(text: str) -> date:
    """ "2026-11-23" -> date; anything else is refused with the expected form."""
    match = _DAY.match(text.strip())
    try:
        if not match:
            raise ValueError
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise BadReportParameter(
            gettext_noop("Day %(value)s is not a date: write it as YYYY-MM-DD, e.g. 2026-11-23."),
            {"value": repr(text)},
        ) from None
    _check_year(day.year, text)
    return day


def _check_year(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadReportParameter(
            gettext_noop("Reports cover the years %(first)s to %(last)s, not %(value)s."),
            {"first": FIRST_YEAR, "last": LAST_YEAR, "value": repr(text)},
        )


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(first: date, zone: ZoneInfo) -> Period:
    following = _add_months(first, 1)
    return Period(
        start=_local_midnight(first, zone),
        end=_local_midnight(following, zone),
        label=f"{first:%Y-%m}",
        first_day=first,
        days=(following - first).days,
    )


def previous_months(first: date, count: int) -> list[date]:
    """The first days of the ``count`` months before ``first``, oldest first."""
    return [_add_months(first, -n) for n in range(count, 0, -1)]


def week_period(day: date, zone: ZoneInfo) -> Period:
    """The Monday-to-Sunday week holding ``day``, in local time."""
    monday = day - timedelta(days=day.weekday())
    return Period(
        start=_local_midnight(monday, zone),
        end=_local_midnight(monday + timedelta(days=7), zone),
        label=f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
        first_day=monday,
        days=7,
    )


def day_period(day: date, zone: ZoneInfo) -> Period:
    return Period(
        start=_local_midnight(day, zone),
        end=_local_midnight(day + timedelta(days=1), zone),
        label=day.isoformat(),
        first_day=day,
        days=1,
    )


def rate(numerator: int, denominator: int) -> float | None:
    """A share in [0, 1]; None when there is nothing to measure (which is not 0 %)."""
    return None if denominator == 0 else numerator / denominator


# --- the fault-share test ------------------------------------------------------------------


@dataclass(frozen=True)
class ShareTest:
    """The test's settings (see the module docstring)."""

    history_months: int = 6
    alpha: float = 0.001
    min_count: int = 5
    min_history_months: int = 3


@dataclass(frozen=True)
class ShareVerdict:
    count: int
    total: int
    share: float | None
    baseline: float | None  # pooled share over the history months; None without history
    history_months: int  # months of history that had cases
    z: float | None
    p_value: float | None
    abnormal: bool


def binomial_upper_tail(x: int, n: int, p: float) -> float:
    """P(X >= x) for X ~ binomial(n, p), exactly (summed in log space from x up)."""
    if x <= 0:
        return 1.0
    if x > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    log_pmf = math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
    log_pmf += x * log_p + (n - x) * log_q
    total = 0.0
    term = math.exp(log_pmf)
    k = x
    while k <= n:
        total += term
        if term < total * 1e-17 and k > n * p:
            break  # past the mode, the terms only shrink: the rest is negligible
        # pmf(k+1) / pmf(k) = (n - k) / (k + 1) * p / q
        term *= (n - k) / (k + 1) * p / (1.0 - p)
        k += 1
    return min(1.0, total)


def share_verdict(
    count: int,
    total: int,
    history: list[tuple[int, int]],
    test: ShareTest = ShareTest(),  # frozen dataclass: a safe default
) -> ShareVerdict:
    """Is this month's share of one category abnormally high against its own history?

    ``history`` holds (category count, all cases) for each previous month.
    """
    if count < 0 or total < 0 or count > total:
        raise ValueError("expected 0 <= count <= total")
    months_with_data = sum(1 for _, month_total in history if month_total > 0)
    hist_count = sum(c for c, _ in history)
    hist_total = sum(t for _, t in history)
    share = rate(count, total)
    baseline = rate(hist_count, hist_total)
    z: float | None = None
    p_value: float | None = None
    if baseline is not None and total > 0:
        p_value = binomial_upper_tail(count, total, baseline)
        variance = total * baseline * (1 - baseline)
        if variance > 0:
            z = (count - total * baseline) / math.sqrt(variance)
    abnormal = (
        baseline is not None
        and p_value is not None
        and count >= test.min_count
        and months_with_data >= test.min_history_months
        and share is not None
        and share > baseline
        and p_value < test.alpha
    )
    return ShareVerdict(count, total, share, baseline, months_with_data, z, p_value, abnormal)
