"""Report maths (D13 fault-share test, periods) on numbers worked out by hand."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline.core.reportmath import (
    BadReportParameter,
    ShareTest,
    binomial_upper_tail,
    day_period,
    month_period,
    parse_day,
    parse_month,
    previous_months,
    share_verdict,
    week_period,
)

SOFIA = ZoneInfo("Europe/Sofia")


def test_binomial_upper_tail_matches_hand_computed_values() -> None:
    assert binomial_upper_tail(3, 3, 0.5) == pytest.approx(1 / 8)
    assert binomial_upper_tail(2, 3, 0.5) == pytest.approx(3 / 8 + 1 / 8)
    assert binomial_upper_tail(1, 10, 0.1) == pytest.approx(1 - 0.9**10)
    assert binomial_upper_tail(0, 10, 0.3) == 1.0
    assert binomial_upper_tail(11, 10, 0.3) == 0.0


def test_binomial_upper_tail_agrees_with_scipy_far_in_the_tail() -> None:
    from scipy.stats import binom

    for x, n, p in [(12, 40, 0.1), (25, 100, 0.1), (4, 100, 0.001), (5200, 100_000, 0.05)]:
        assert binomial_upper_tail(x, n, p) == pytest.approx(binom.sf(x - 1, n, p), rel=1e-9)


def test_d13_planted_share_rise_is_abnormal() -> None:
    # 10 % of 100 cases for six months; this month 25 of 100: z = (25 - 10) / sqrt(9) = 5.
    verdict = share_verdict(25, 100, [(10, 100)] * 6)
    assert verdict.baseline == pytest.approx(0.10)
    assert verdict.z == pytest.approx(5.0)
    assert verdict.p_value is not None
    assert verdict.p_value < 0.001
    assert verdict.abnormal


def test_d13_ordinary_wobble_is_not_abnormal() -> None:
    # 13 of 100 against 10 %: z = 3 / 3 = 1, p about 0.2.
    verdict = share_verdict(13, 100, [(10, 100)] * 6)
    assert verdict.z == pytest.approx(1.0)
    assert not verdict.abnormal


def test_d13_falling_share_is_never_an_alert() -> None:
    assert not share_verdict(2, 100, [(10, 100)] * 6).abnormal


def test_d13_fewer_than_the_minimum_count_is_not_an_alert() -> None:
    # 0.1 % usual share, 4 of 100 this month: p is about 4e-6, but 4 cases prove nothing.
    history = [(1, 1000)] * 6
    assert not share_verdict(4, 100, history).abnormal
    assert share_verdict(5, 100, history).abnormal


def test_d13_without_enough_history_there_is_no_alert() -> None:
    history = [(0, 0)] * 4 + [(10, 100)] * 2  # two months with cases, three needed
    assert not share_verdict(40, 100, history).abnormal
    assert share_verdict(40, 100, [(0, 0)] * 3 + [(10, 100)] * 3).abnormal


def test_d13_a_new_category_with_enough_cases_is_abnormal() -> None:
    verdict = share_verdict(6, 50, [(0, 100)] * 6)
    assert verdict.baseline == 0.0
    assert verdict.p_value == 0.0
    assert verdict.abnormal


def test_d13_the_threshold_is_a_setting_of_the_test() -> None:
    # 12 of 40 against 10 %: p = 0.00038; below 0.001, above 0.0001.
    assert share_verdict(12, 40, [(2, 20)] * 6).abnormal
    assert not share_verdict(12, 40, [(2, 20)] * 6, ShareTest(alpha=0.0001)).abnormal


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "october", "", "26-10"])
def test_a_month_that_is_not_one_is_refused_with_the_form_expected(text: str) -> None:
    with pytest.raises(BadReportParameter, match="YYYY-MM"):
        parse_month(text)


@pytest.mark.parametrize(
    ("parse", "text"),
    [(parse_month, "1999-10"), (parse_month, "9999-12"), (parse_day, "2100-01-01")],
)
def test_d13_a_period_outside_2000_2099_is_refused(parse, text) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadReportParameter, match="2000 to 2099"):
        parse(text)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-11", "23.11.2026", "tomorrow"])
def test_a_day_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(BadReportParameter, match="YYYY-MM-DD"):
        parse_day(text)


def test_month_is_local_and_dst_safe() -> None:
    # October 2026 in Sofia: starts at UTC+3 (summer), ends at UTC+2 (DST ends 25 October).
    period = month_period(parse_month("2026-10"), SOFIA)
    assert period.start == datetime(2026, 9, 30, 21, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 31, 22, 0, tzinfo=UTC)
    assert period.days == 31
    assert period.label == "2026-10"


def test_week_runs_monday_to_monday_and_day_is_local() -> None:
    week = week_period(date(2026, 11, 25), SOFIA)
    assert week.start == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    assert week.label == "2026-W48"
    assert day_period(date(2026, 11, 23), SOFIA).start == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)


def test_previous_months_cross_the_year() -> None:
    assert previous_months(date(2026, 2, 1), 3) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]
