"""Timers of the call floor: talk time (A1), waiting (A2), log-in (B1) and daily progress (A3)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from hotline.core.agent_states import AgentState
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal


class TalkLevel(StrEnum):
    OK = "ok"
    WARNING = "warning"  # A1: at the warning share of the maximum
    OVER = "over"  # A1: the team lead is alerted; the call counts as over the limit


@dataclass(frozen=True)
class TalkStatus:
    level: TalkLevel
    elapsed: timedelta
    warn_at: datetime
    limit_at: datetime


def talk_status(
    answered_at: datetime, now: datetime, max_talk: timedelta, warning_share: int
) -> TalkStatus:
    warn_at = answered_at + max_talk * warning_share / 100
    limit_at = answered_at + max_talk
    level = (
        TalkLevel.OVER
        if now >= limit_at
        else (TalkLevel.WARNING if now >= warn_at else TalkLevel.OK)
    )
    return TalkStatus(level, now - answered_at, warn_at, limit_at)


class WaitAction(StrEnum):
    KEEP_WAITING = "keep_waiting"
    OFFER_CALLBACK = "offer_callback"  # A2/B8: the expected wait would pass the maximum
    OVERFLOW = "overflow"  # A2: at the maximum, to the next group
    TO_CALLBACK = "to_callback"  # A2: at the maximum, no overflow group: a callback


def expected_wait(position: int, serving_agents: int, handle_time: timedelta) -> timedelta:
    """A plain estimate: the calls ahead share the agents who serve the queue.

    With nobody serving, the wait is unbounded; we report a day so comparisons stay simple.
    """
    if serving_agents <= 0:
        return timedelta(days=1)
    return handle_time * position / serving_agents


def wait_action(
    *,
    arrived_at: datetime,
    now: datetime,
    max_wait: timedelta,
    expected_remaining: timedelta,
    callback_offered: bool,
    overflow_configured: bool,
) -> WaitAction:
    waited = now - arrived_at
    if waited >= max_wait:
        return WaitAction.OVERFLOW if overflow_configured else WaitAction.TO_CALLBACK
    if not callback_offered and waited + expected_remaining > max_wait:
        return WaitAction.OFFER_CALLBACK
    return WaitAction.KEEP_WAITING


@dataclass(frozen=True)
class LoginPunctuality:
    ready_by: datetime  # B1: the latest moment to be ready for the shift's first call
    late_by: timedelta | None


def login_punctuality(
    shift_start: datetime, ready_at: datetime, prep_min: timedelta
) -> LoginPunctuality:
    ready_by = shift_start - prep_min
    late = ready_at - ready_by
    return LoginPunctuality(ready_by, late if late > timedelta(0) else None)


@dataclass(frozen=True)
class DailyProgress:
    handled: int
    target: int  # A3

    @property
    def share(self) -> float:
        return 1.0 if self.target == 0 else min(1.0, self.handled / self.target)

    @property
    def short_by(self) -> int:
        return max(0, self.target - self.handled)


def transfer_refusal(
    *,
    on_own_call: bool,
    same_team_colleague: bool,
    receiver_state: AgentState,
    receiver_name: str,
) -> PolicyRefusal | None:
    """B10 and A4: may this agent ask that colleague to take the call? None if so.

    Only the agent on the call transfers it (B10), only to another agent of the call's team,
    and only to one who is ready to take it (A4: the colleague then has to consent).
    """
    if not on_own_call:
        return PolicyRefusal("B10", gettext_noop("You can only transfer a call you are on."))
    if not same_team_colleague:
        return PolicyRefusal("A4", gettext_noop("Choose a colleague to transfer the call to."))
    if receiver_state is not AgentState.READY:
        return PolicyRefusal(
            "A4", gettext_noop("%(name)s is not ready to take a call."), {"name": receiver_name}
        )
    return None
