"""Tests for hotline.core.kpi: the call-centre KPI formulas.

Every expected number was worked out by hand and is written out as the fraction it comes from.
The reference floor (FLOOR_CALLS) has 12 calls, with threshold 20 s, short abandon 5 s and
max talk 15 min:

  call  outcome             wait  talk         wrap-up  handle  notes
  a1    answered            0 s   3 min        60 s     240 s
  a2    answered            10 s  5 min        missing  300 s   wrap-up counts as 0
  a3    answered            20 s  15 min       30 s     930 s   wait == threshold: within;
                                                                talk == max_talk: not over
  a4    answered            15 s  16 min       2 min    1080 s  over A1 limit; transferred
  a5    answered            5 s   7 min        90 s     510 s   transferred
  a6    answered            12 s  still going  -        -       in talk: no AHT, no A1
  a7    answered            22 s  4 min        60 s     300 s   late (wait > threshold)
  s1    abandoned at 3 s                                        short abandon: excluded
  b1    abandoned at 40 s                                       counted abandon
  o1    overflowed (A2)
  k1    took a callback (B8)
  w1    still waiting                                           excluded

  answered = 7, within threshold = 6 (a1..a6), resolved offers = 7 + b1 + o1 + k1 = 10
  SL strict = 6/10, SL answered = 6/7, abandonment = 1/10, transfers = 2/7
  ASA = (0+10+20+15+5+12+22) s / 7 = 84 s / 7 = 12 s
  AHT = (240+300+930+1080+510+300) s / 6 = 3360 s / 6 = 560 s
  over A1 limit = 1 (a4)
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.core.kpi import (
    AgentTime,
    CallbackRecord,
    CallRecord,
    FloorKpis,
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    callback_completion,
    floor_kpis,
    occupancy,
    over_limit_calls,
    service_level_answered,
    service_level_strict,
    transfer_rate,
)

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # a Monday morning
THRESHOLD = timedelta(seconds=20)
SHORT_ABANDON = timedelta(seconds=5)
MAX_TALK = timedelta(minutes=15)
ONE_MICROSECOND = timedelta(microseconds=1)


def seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def answered(
    wait: timedelta,
    talk: timedelta | None,
    wrap_up: timedelta | None = None,
    *,
    arrived_at: datetime = T0,
    transferred: bool = False,
) -> CallRecord:
    """An answered call; ``talk=None`` means the talk is still going."""
    answered_at = arrived_at + wait
    ended_at = None if talk is None else answered_at + talk
    wrap_up_ended_at = None if ended_at is None or wrap_up is None else ended_at + wrap_up
    return CallRecord(arrived_at, answered_at, ended_at, wrap_up_ended_at, transferred=transferred)


def abandoned(after: timedelta, *, arrived_at: datetime = T0) -> CallRecord:
    return CallRecord(arrived_at, None, arrived_at + after, None, abandoned=True)


def overflowed(arrived_at: datetime = T0) -> CallRecord:
    return CallRecord(arrived_at, None, None, None, overflowed=True)


def took_callback(arrived_at: datetime = T0) -> CallRecord:
    return CallRecord(arrived_at, None, None, None, turned_into_callback=True)


def waiting(arrived_at: datetime = T0) -> CallRecord:
    return CallRecord(arrived_at, None, None, None)


FLOOR_CALLS = (
    answered(seconds(0), timedelta(minutes=3), seconds(60)),  # a1
    answered(seconds(10), timedelta(minutes=5)),  # a2
    answered(seconds(20), timedelta(minutes=15), seconds(30)),  # a3
    answered(seconds(15), timedelta(minutes=16), timedelta(minutes=2), transferred=True),  # a4
    answered(seconds(5), timedelta(minutes=7), seconds(90), transferred=True),  # a5
    answered(seconds(12), None),  # a6
    answered(seconds(22), timedelta(minutes=4), seconds(60)),  # a7
    abandoned(seconds(3)),  # s1
    abandoned(seconds(40)),  # b1
    overflowed(),  # o1
    took_callback(),  # k1
    waiting(),  # w1
)

NOW = datetime(2025, 3, 10, 11, 0, tzinfo=UTC)

# 3 completed, 1 failed, 1 overdue; due exactly at NOW and due later are still pending.
# Completion = 3 / (3 + 1 + 1) = 3/5.
FLOOR_CALLBACKS = (
    CallbackRecord(datetime(2025, 3, 10, 9, 30, tzinfo=UTC), NOW - timedelta(minutes=80)),
    CallbackRecord(datetime(2025, 3, 10, 10, 0, tzinfo=UTC), NOW - timedelta(minutes=55)),
    # Completed late is still completed.
    CallbackRecord(datetime(2025, 3, 10, 10, 0, tzinfo=UTC), NOW - timedelta(minutes=5)),
    CallbackRecord(datetime(2025, 3, 10, 10, 15, tzinfo=UTC), None, failed=True),
    CallbackRecord(datetime(2025, 3, 10, 10, 30, tzinfo=UTC), None),  # overdue
    CallbackRecord(NOW, None),  # due right now: pending
    CallbackRecord(datetime(2025, 3, 10, 12, 0, tzinfo=UTC), None),  # pending
)

# (6 h + 2 h + 0) handling / (8 h + 4 h + 0) staffed = 8/12 = 2/3.
FLOOR_AGENTS = (
    AgentTime(staffed=timedelta(hours=8), handling=timedelta(hours=6)),
    AgentTime(staffed=timedelta(hours=4), handling=timedelta(hours=2)),
    AgentTime(staffed=timedelta(0), handling=timedelta(0)),
)


# --- service level -------------------------------------------------------------------------


def test_service_level_strict_counts_answered_within_threshold_over_resolved_offers() -> None:
    assert service_level_strict(FLOOR_CALLS, THRESHOLD, SHORT_ABANDON) == 6 / 10


def test_service_level_strict_excludes_short_abandons() -> None:
    calls = [answered(seconds(5), seconds(60)), answered(seconds(30), seconds(60))]
    short_abandons = [abandoned(seconds(1)), abandoned(seconds(4)), abandoned(seconds(5))]

    assert service_level_strict(calls, THRESHOLD, SHORT_ABANDON) == 1 / 2
    assert service_level_strict(calls + short_abandons, THRESHOLD, SHORT_ABANDON) == 1 / 2


def test_service_level_strict_counts_abandons_after_short_abandon_as_misses() -> None:
    # Hanging up 1 µs after the short-abandon limit is a real abandon: 1 answered / 2.
    calls = [answered(seconds(5), seconds(60)), abandoned(SHORT_ABANDON + ONE_MICROSECOND)]

    assert service_level_strict(calls, THRESHOLD, SHORT_ABANDON) == 1 / 2


def test_service_level_strict_counts_a2_overflow_and_b8_callback_as_misses() -> None:
    calls = [answered(seconds(5), seconds(60)), overflowed(), took_callback()]

    assert service_level_strict(calls, THRESHOLD, SHORT_ABANDON) == 1 / 3


def test_service_level_strict_ignores_calls_still_waiting() -> None:
    calls = [answered(seconds(5), seconds(60)), answered(seconds(25), None)]

    assert service_level_strict(calls, THRESHOLD, SHORT_ABANDON) == 1 / 2
    assert service_level_strict([*calls, waiting(), waiting()], THRESHOLD, SHORT_ABANDON) == 1 / 2


def test_service_level_answered_counts_within_threshold_over_answered() -> None:
    assert service_level_answered(FLOOR_CALLS, THRESHOLD) == 6 / 7


def test_service_level_counts_an_answer_at_exactly_the_threshold_as_within() -> None:
    on_the_dot = [answered(THRESHOLD, seconds(60))]
    just_late = [answered(THRESHOLD + ONE_MICROSECOND, seconds(60))]

    assert service_level_strict(on_the_dot, THRESHOLD, SHORT_ABANDON) == 1.0
    assert service_level_answered(on_the_dot, THRESHOLD) == 1.0
    assert service_level_strict(just_late, THRESHOLD, SHORT_ABANDON) == 0.0
    assert service_level_answered(just_late, THRESHOLD) == 0.0


def test_service_level_answered_ignores_abandons_overflows_and_callbacks() -> None:
    calls = [answered(seconds(5), seconds(60)), abandoned(seconds(90)), overflowed()]

    assert service_level_answered([*calls, took_callback()], THRESHOLD) == 1.0


# --- speed of answer and handle time --------------------------------------------------------


def test_average_speed_of_answer_includes_calls_still_in_talk() -> None:
    assert average_speed_of_answer(FLOOR_CALLS) == seconds(84 / 7)


def test_average_speed_of_answer_keeps_microseconds() -> None:
    # (1 s + 2 s) / 2 = 1.5 s, not rounded to whole seconds.
    calls = [answered(seconds(1), seconds(60)), answered(seconds(2), seconds(60))]

    assert average_speed_of_answer(calls) == timedelta(seconds=1, microseconds=500_000)


def test_average_handle_time_adds_wrap_up_and_skips_calls_still_in_talk() -> None:
    assert average_handle_time(FLOOR_CALLS) == seconds(3360 / 6)


def test_average_handle_time_counts_a_missing_wrap_up_as_zero() -> None:
    # (60 s talk + 30 s wrap-up) and (120 s talk + no wrap-up): (90 s + 120 s) / 2 = 105 s.
    calls = [answered(seconds(5), seconds(60), seconds(30)), answered(seconds(5), seconds(120))]

    assert average_handle_time(calls) == seconds(105)


# --- abandonment, transfers, occupancy -------------------------------------------------------


def test_abandonment_rate_counts_abandons_after_short_abandon_over_resolved_offers() -> None:
    assert abandonment_rate(FLOOR_CALLS, SHORT_ABANDON) == 1 / 10


def test_abandonment_rate_excludes_short_abandons_and_calls_still_waiting() -> None:
    # Offered: 1 answered + 1 abandoned at 6 s = 2; the 5 s abandon and the waiting call drop.
    calls = [
        answered(seconds(5), seconds(60)),
        abandoned(seconds(6)),
        abandoned(SHORT_ABANDON),
        waiting(),
    ]

    assert abandonment_rate(calls, SHORT_ABANDON) == 1 / 2


def test_a4_transfer_rate_counts_transferred_over_answered() -> None:
    assert transfer_rate(FLOOR_CALLS) == 2 / 7


def test_occupancy_weights_agents_by_staffed_time() -> None:
    # Not the mean of the agents' own rates (6/8 and 2/4 would average 5/8).
    assert occupancy(FLOOR_AGENTS) == 8 / 12


# --- callbacks ---------------------------------------------------------------------------------


def test_b8_callback_completion_counts_failed_and_overdue_against_completed() -> None:
    assert callback_completion(FLOOR_CALLBACKS, NOW) == 3 / 5


def test_b8_callback_due_exactly_now_is_still_pending() -> None:
    due_now = [CallbackRecord(NOW, None)]

    assert callback_completion(due_now, NOW) is None
    assert callback_completion(due_now, NOW + ONE_MICROSECOND) == 0.0


def test_b8_callback_completion_compares_moments_across_zones() -> None:
    # 12:00 in Sofia (UTC+2 in March) is 10:00 UTC: before NOW (11:00 UTC), so overdue.
    sofia_noon = datetime(2025, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Sofia"))
    callbacks = [CallbackRecord(sofia_noon, None), CallbackRecord(T0, T0)]

    assert callback_completion(callbacks, NOW) == 1 / 2


def test_b8_callback_completion_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        callback_completion(FLOOR_CALLBACKS, NOW.replace(tzinfo=None))


# --- rule A1 ---------------------------------------------------------------------------------


def test_a1_over_limit_calls_counts_only_talk_beyond_the_limit() -> None:
    calls = [
        answered(seconds(5), MAX_TALK - ONE_MICROSECOND),
        answered(seconds(5), MAX_TALK),
        answered(seconds(5), MAX_TALK + ONE_MICROSECOND),
        answered(seconds(5), timedelta(hours=1)),
    ]

    assert over_limit_calls(calls, MAX_TALK) == 2


def test_a1_over_limit_calls_ignores_waiting_time_and_wrap_up() -> None:
    # 10 min waiting + 10 min talk + 10 min wrap-up: only the talk counts, and it is within.
    calls = [answered(timedelta(minutes=10), timedelta(minutes=10), timedelta(minutes=10))]

    assert over_limit_calls(calls, MAX_TALK) == 0


def test_a1_over_limit_calls_ignores_calls_still_in_talk() -> None:
    assert over_limit_calls(FLOOR_CALLS, MAX_TALK) == 1
    assert over_limit_calls([answered(seconds(5), None)], MAX_TALK) == 0


# --- the bundle -------------------------------------------------------------------------------


def test_floor_kpis_bundles_every_kpi() -> None:
    kpis = floor_kpis(
        FLOOR_CALLS,
        FLOOR_CALLBACKS,
        FLOOR_AGENTS,
        now=NOW,
        threshold=THRESHOLD,
        short_abandon=SHORT_ABANDON,
        max_talk=MAX_TALK,
    )

    assert kpis == FloorKpis(
        service_level_strict=6 / 10,
        service_level_answered=6 / 7,
        average_speed_of_answer=seconds(12),
        average_handle_time=seconds(560),
        abandonment_rate=1 / 10,
        occupancy=8 / 12,
        transfer_rate=2 / 7,
        callback_completion=3 / 5,
        over_limit_calls=1,
    )


def test_floor_kpis_of_an_empty_floor_has_no_rates_and_no_over_limit_calls() -> None:
    kpis = floor_kpis(
        [], [], [], now=NOW, threshold=THRESHOLD, short_abandon=SHORT_ABANDON, max_talk=MAX_TALK
    )

    assert kpis == FloorKpis(None, None, None, None, None, None, None, None, 0)


# --- zero denominators ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "calls",
    [
        pytest.param([], id="no calls"),
        pytest.param([waiting(), waiting()], id="only waiting"),
        pytest.param([abandoned(seconds(2)), abandoned(SHORT_ABANDON)], id="only short abandons"),
    ],
)
def test_call_kpis_without_a_denominator_are_none(calls: list[CallRecord]) -> None:
    assert service_level_strict(calls, THRESHOLD, SHORT_ABANDON) is None
    assert service_level_answered(calls, THRESHOLD) is None
    assert average_speed_of_answer(calls) is None
    assert average_handle_time(calls) is None
    assert abandonment_rate(calls, SHORT_ABANDON) is None
    assert transfer_rate(calls) is None


def test_answer_based_kpis_are_none_when_nothing_was_answered() -> None:
    calls = [abandoned(seconds(60)), overflowed(), took_callback()]

    assert service_level_strict(calls, THRESHOLD, SHORT_ABANDON) == 0.0
    assert abandonment_rate(calls, SHORT_ABANDON) == 1 / 3
    assert service_level_answered(calls, THRESHOLD) is None
    assert average_speed_of_answer(calls) is None
    assert transfer_rate(calls) is None


def test_average_handle_time_is_none_while_every_answered_call_is_in_talk() -> None:
    calls = [answered(seconds(5), None)]

    assert average_speed_of_answer(calls) == seconds(5)
    assert average_handle_time(calls) is None


def test_occupancy_is_none_without_staffed_time() -> None:
    assert occupancy([]) is None
    assert occupancy([AgentTime(staffed=timedelta(0), handling=timedelta(0))]) is None


def test_b8_callback_completion_is_none_while_every_callback_is_pending() -> None:
    assert callback_completion([], NOW) is None
    assert callback_completion([CallbackRecord(NOW + timedelta(hours=1), None)], NOW) is None


# --- contradictory records --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: CallRecord(T0, None, T0 + seconds(9), None, abandoned=True, overflowed=True),
            "at most one of",
            id="two outcomes",
        ),
        pytest.param(
            lambda: CallRecord(T0, T0, T0 + seconds(9), None, abandoned=True),
            "answered call cannot",
            id="answered and abandoned",
        ),
        pytest.param(
            lambda: CallRecord(T0, None, None, None, abandoned=True),
            "needs ended_at",
            id="abandoned without a hang-up time",
        ),
        pytest.param(
            lambda: CallRecord(T0, None, None, None, transferred=True),
            "only an answered call",
            id="transferred before an answer",
        ),
        pytest.param(
            lambda: CallRecord(T0, None, T0, None),
            "ended unanswered",
            id="ended without an outcome",
        ),
        pytest.param(
            lambda: CallRecord(T0, T0 - seconds(1), None, None),
            "arrived_at <= answered_at",
            id="answered before arriving",
        ),
        pytest.param(
            lambda: CallRecord(T0, T0, T0 - seconds(1), None),
            "answered_at <= ended_at",
            id="ended before the answer",
        ),
        pytest.param(
            lambda: CallRecord(T0, T0, None, T0),
            "wrap-up follows",
            id="wrap-up while in talk",
        ),
        pytest.param(
            lambda: CallRecord(T0.replace(tzinfo=None), None, None, None),
            "aware",
            id="naive arrival",
        ),
        pytest.param(
            lambda: CallbackRecord(T0, T0, failed=True),
            "either completed or failed",
            id="callback completed and failed",
        ),
        pytest.param(
            lambda: CallbackRecord(T0.replace(tzinfo=None), None),
            "aware",
            id="naive callback due time",
        ),
        pytest.param(
            lambda: AgentTime(staffed=timedelta(hours=1), handling=timedelta(hours=2)),
            "handling <= staffed",
            id="more handling than staffed time",
        ),
        pytest.param(
            lambda: AgentTime(staffed=timedelta(hours=1), handling=timedelta(hours=-1)),
            "0 <= handling",
            id="negative handling time",
        ),
    ],
)
def test_contradictory_records_are_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


# --- properties -------------------------------------------------------------------------------

DURATIONS = st.integers(min_value=0, max_value=2 * 3600).map(seconds)
SMALL_DURATIONS = st.integers(min_value=0, max_value=60).map(seconds)


@st.composite
def call_records(draw: st.DrawFn) -> CallRecord:
    arrived_at = T0 + draw(DURATIONS)
    kind = draw(st.sampled_from(["ended", "in talk", "abandoned", "overflow", "callback", "wait"]))
    if kind == "ended":
        wrap_up = draw(st.none() | DURATIONS)
        transferred = draw(st.booleans())
        return answered(
            draw(DURATIONS),
            draw(DURATIONS),
            wrap_up,
            arrived_at=arrived_at,
            transferred=transferred,
        )
    if kind == "in talk":
        return answered(draw(DURATIONS), None, arrived_at=arrived_at)
    if kind == "abandoned":
        return abandoned(draw(SMALL_DURATIONS), arrived_at=arrived_at)
    return {"overflow": overflowed, "callback": took_callback, "wait": waiting}[kind](arrived_at)


@st.composite
def callback_records(draw: st.DrawFn) -> CallbackRecord:
    due_at = T0 + draw(DURATIONS)
    state = draw(st.sampled_from(["completed", "failed", "open"]))
    completed_at = due_at + draw(DURATIONS) if state == "completed" else None
    return CallbackRecord(due_at, completed_at, failed=state == "failed")


@st.composite
def agent_times(draw: st.DrawFn) -> AgentTime:
    staffed = draw(st.integers(min_value=0, max_value=12 * 3600))
    handling = draw(st.integers(min_value=0, max_value=staffed))
    return AgentTime(staffed=seconds(staffed), handling=seconds(handling))


@settings(max_examples=300, deadline=None)
@given(
    calls=st.lists(call_records(), max_size=30),
    callbacks=st.lists(callback_records(), max_size=10),
    agents=st.lists(agent_times(), max_size=5),
    now=DURATIONS.map(lambda offset: T0 + offset),
    threshold=SMALL_DURATIONS,
    short_abandon=SMALL_DURATIONS,
)
def test_every_rate_stays_between_zero_and_one(
    calls: list[CallRecord],
    callbacks: list[CallbackRecord],
    agents: list[AgentTime],
    now: datetime,
    threshold: timedelta,
    short_abandon: timedelta,
) -> None:
    kpis = floor_kpis(
        calls,
        callbacks,
        agents,
        now=now,
        threshold=threshold,
        short_abandon=short_abandon,
        max_talk=MAX_TALK,
    )
    rates = [
        kpis.service_level_strict,
        kpis.service_level_answered,
        kpis.abandonment_rate,
        kpis.occupancy,
        kpis.transfer_rate,
        kpis.callback_completion,
    ]

    assert all(rate is None or 0.0 <= rate <= 1.0 for rate in rates)
    # The strict level also counts misses that never reached an agent, so it is never higher.
    if kpis.service_level_strict is not None and kpis.service_level_answered is not None:
        assert kpis.service_level_strict <= kpis.service_level_answered
