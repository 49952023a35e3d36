"""Timers of the call floor: talk time (A1), waiting and the callback offer (A2, B8),
log-in punctuality (B1) and daily progress (A3). Numbers come from the rulebook."""

from datetime import UTC, datetime, timedelta

import pytest

from hotline.core.floor import (
    DailyProgress,
    LoginPunctuality,
    TalkLevel,
    WaitAction,
    expected_wait,
    login_punctuality,
    talk_status,
    wait_action,
)
from hotline.core.rulebook import Override, Rulebook, Scope

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
DEFAULT = Rulebook()
QUEUE = 4
TEAM = 1


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


# -- A1: talk time --------------------------------------------------------------------------


def _talk(now: datetime, rules: Rulebook = DEFAULT) -> TalkLevel:
    return talk_status(
        T0,
        now,
        rules.duration("a1.max_talk", queue=QUEUE),
        rules.count("a1.warning_share", queue=QUEUE),
    ).level


def test_a1_warning_at_80_percent_and_alert_at_the_limit() -> None:
    status = talk_status(T0, T0 + minutes(5), minutes(15), 80)
    assert status.warn_at == T0 + minutes(12)
    assert status.limit_at == T0 + minutes(15)
    assert status.elapsed == minutes(5)

    assert _talk(T0) is TalkLevel.OK
    assert _talk(T0 + minutes(12) - seconds(1)) is TalkLevel.OK
    assert _talk(T0 + minutes(12)) is TalkLevel.WARNING
    assert _talk(T0 + minutes(15) - seconds(1)) is TalkLevel.WARNING
    assert _talk(T0 + minutes(15)) is TalkLevel.OVER
    assert _talk(T0 + minutes(40)) is TalkLevel.OVER


def test_a1_elapsed_time_keeps_counting_past_the_limit() -> None:
    status = talk_status(T0, T0 + minutes(21), minutes(15), 80)
    assert status.level is TalkLevel.OVER
    assert status.elapsed == minutes(21)


def test_a1_settings_drive_the_warning_and_the_limit() -> None:
    rules = Rulebook(
        [
            Override("a1.max_talk", Scope.QUEUE, str(QUEUE), minutes(10)),
            Override("a1.warning_share", Scope.QUEUE, str(QUEUE), 50),
        ]
    )
    assert _talk(T0 + minutes(5) - seconds(1), rules) is TalkLevel.OK
    assert _talk(T0 + minutes(5), rules) is TalkLevel.WARNING
    assert _talk(T0 + minutes(10), rules) is TalkLevel.OVER
    # The default rulebook still says OK at the same moment.
    assert _talk(T0 + minutes(10)) is TalkLevel.OK


def test_a1_warning_share_that_is_not_a_whole_minute() -> None:
    status = talk_status(T0, T0, minutes(15), 33)
    assert status.warn_at == T0 + seconds(297)


# -- A2: waiting, callback offer and overflow -----------------------------------------------


def test_a2_expected_wait_shares_the_calls_ahead_between_serving_agents() -> None:
    assert expected_wait(1, 1, minutes(4)) == minutes(4)
    assert expected_wait(3, 2, minutes(4)) == minutes(6)
    assert expected_wait(5, 10, minutes(4)) == minutes(2)


@pytest.mark.parametrize("serving", [0, -1])
def test_a2_expected_wait_with_nobody_serving_is_a_day(serving: int) -> None:
    assert expected_wait(1, serving, minutes(4)) == timedelta(days=1)


def _wait(
    waited: timedelta,
    expected_remaining: timedelta,
    *,
    callback_offered: bool = False,
    overflow_configured: bool = False,
    rules: Rulebook = DEFAULT,
) -> WaitAction:
    return wait_action(
        arrived_at=T0,
        now=T0 + waited,
        max_wait=rules.duration("a2.max_wait", queue=QUEUE),
        expected_remaining=expected_remaining,
        callback_offered=callback_offered,
        overflow_configured=overflow_configured,
    )


def test_a2_callback_offered_when_expected_wait_would_pass_the_maximum() -> None:
    # Default maximum: 3 min. Waited 1 min, 2 min more expected: exactly at the limit, no offer.
    assert _wait(minutes(1), minutes(2)) is WaitAction.KEEP_WAITING
    assert _wait(minutes(1), minutes(2) + seconds(1)) is WaitAction.OFFER_CALLBACK
    # Offered at once when the estimate already says the caller will wait too long.
    assert _wait(timedelta(0), minutes(5)) is WaitAction.OFFER_CALLBACK


def test_a2_callback_is_offered_only_once() -> None:
    assert _wait(minutes(1), minutes(5), callback_offered=True) is WaitAction.KEEP_WAITING


def test_a2_short_expected_wait_keeps_the_caller_waiting() -> None:
    assert _wait(seconds(30), seconds(40)) is WaitAction.KEEP_WAITING


@pytest.mark.parametrize(
    ("overflow_configured", "expected"),
    [(True, WaitAction.OVERFLOW), (False, WaitAction.TO_CALLBACK)],
)
@pytest.mark.parametrize("callback_offered", [False, True])
@pytest.mark.parametrize("waited", [minutes(3), minutes(3) + seconds(1), minutes(10)])
def test_a2_overflow_at_the_limit_when_configured_else_callback(
    waited: timedelta, callback_offered: bool, overflow_configured: bool, expected: WaitAction
) -> None:
    action = _wait(
        waited,
        timedelta(0),
        callback_offered=callback_offered,
        overflow_configured=overflow_configured,
    )
    assert action is expected


def test_a2_just_before_the_limit_the_call_still_waits_in_its_queue() -> None:
    action = _wait(minutes(3) - seconds(1), timedelta(0), overflow_configured=True)
    assert action is WaitAction.KEEP_WAITING


def test_a2_queue_setting_drives_the_maximum_wait() -> None:
    rules = Rulebook([Override("a2.max_wait", Scope.QUEUE, str(QUEUE), minutes(1))])
    assert _wait(minutes(1), timedelta(0), rules=rules) is WaitAction.TO_CALLBACK
    assert _wait(seconds(30), seconds(31), rules=rules) is WaitAction.OFFER_CALLBACK
    assert _wait(minutes(1), timedelta(0)) is WaitAction.KEEP_WAITING  # default: 3 min


def test_a2_estimate_feeds_the_callback_offer() -> None:
    # Fourth in line, two agents, 2 min a call: 4 min expected, over 3 min.
    remaining = expected_wait(4, 2, minutes(2))
    assert _wait(timedelta(0), remaining) is WaitAction.OFFER_CALLBACK
    # Nobody serving the queue: always offered.
    assert _wait(timedelta(0), expected_wait(1, 0, minutes(2))) is WaitAction.OFFER_CALLBACK


# -- B1: log-in punctuality -----------------------------------------------------------------

SHIFT = datetime(2025, 3, 3, 8, 30, tzinfo=UTC)


def test_b1_late_login_is_measured_against_prep_time() -> None:
    prep = DEFAULT.duration("b1.prep_min", team=TEAM)
    assert prep == minutes(15)
    result = login_punctuality(SHIFT, SHIFT - minutes(8), prep)
    assert result == LoginPunctuality(ready_by=SHIFT - minutes(15), late_by=minutes(7))


def test_b1_ready_exactly_at_prep_time_is_on_time() -> None:
    result = login_punctuality(SHIFT, SHIFT - minutes(15), minutes(15))
    assert result.late_by is None


def test_b1_ready_early_is_on_time() -> None:
    assert login_punctuality(SHIFT, SHIFT - minutes(40), minutes(15)).late_by is None


def test_b1_ready_after_the_shift_starts_is_late_by_the_whole_gap() -> None:
    result = login_punctuality(SHIFT, SHIFT + minutes(5), minutes(15))
    assert result.late_by == minutes(20)


def test_b1_team_setting_drives_the_prep_time() -> None:
    rules = Rulebook([Override("b1.prep_min", Scope.TEAM, str(TEAM), minutes(20))])
    prep = rules.duration("b1.prep_min", team=TEAM)
    result = login_punctuality(SHIFT, SHIFT - minutes(18), prep)
    assert result.ready_by == datetime(2025, 3, 3, 8, 10, tzinfo=UTC)
    assert result.late_by == minutes(2)
    # The same log-in is on time for a team on the default 15 minutes.
    assert login_punctuality(SHIFT, SHIFT - minutes(18), minutes(15)).late_by is None


def test_b1_no_prep_time_means_ready_by_the_shift_start() -> None:
    assert login_punctuality(SHIFT, SHIFT, timedelta(0)) == LoginPunctuality(SHIFT, None)


# -- A3: daily progress ---------------------------------------------------------------------


def test_a3_progress_toward_the_daily_target() -> None:
    target = DEFAULT.count("a3.daily_calls_target", team=TEAM)
    assert target == 30
    progress = DailyProgress(handled=12, target=target)
    assert progress.share == pytest.approx(0.4)
    assert progress.short_by == 18


def test_a3_meeting_the_target_leaves_nobody_short() -> None:
    assert DailyProgress(handled=30, target=30).short_by == 0
    assert DailyProgress(handled=30, target=30).share == 1.0


def test_a3_share_is_capped_at_the_target() -> None:
    progress = DailyProgress(handled=45, target=30)
    assert progress.share == 1.0
    assert progress.short_by == 0


def test_a3_zero_target_counts_as_met() -> None:
    progress = DailyProgress(handled=0, target=0)
    assert progress.share == 1.0
    assert progress.short_by == 0


def test_a3_team_setting_drives_the_target() -> None:
    rules = Rulebook([Override("a3.daily_calls_target", Scope.TEAM, str(TEAM), 40)])
    progress = DailyProgress(handled=30, target=rules.count("a3.daily_calls_target", team=TEAM))
    assert progress.short_by == 10
    assert progress.share == pytest.approx(0.75)
