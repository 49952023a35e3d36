"""Call-centre KPI formulas the wallboard and the reports compute from the event log.

Pure standard library on purpose: the web app, the workers and the simulator share these
formulas, so they must not import Django and must never read the clock. Whatever depends on
the moment of the computation (overdue callbacks) receives ``now`` as a parameter.

Every call has exactly one outcome in its queue, which the records enforce so that no call is
counted twice:

- *answered*: ``answered_at`` is set (the talk may still be going: ``ended_at`` is None);
- *abandoned*: the caller hung up while waiting (``ended_at`` is when);
- *overflowed*: it left this queue for the overflow group (rule A2);
- *turned into a callback*: the caller took a callback instead of waiting (rule B8);
- *still waiting*: none of the above yet.

Shared conventions:

- "within threshold" means ``answered_at - arrived_at <= threshold`` (the boundary counts);
- a *short abandon* is an abandoned call with ``ended_at - arrived_at <= short_abandon``:
  a caller who hangs up that fast (wrong number, menu misdial) was never really offered to
  an agent, so the rates leave it out of numerator and denominator alike;
- *resolved offers* are the calls that are answered, abandoned after ``short_abandon``,
  overflowed or turned into a callback; still-waiting calls have no outcome yet;
- a rate whose denominator is zero is None (nothing to measure, which is not 0 %), and every
  other rate is a float in [0, 1].
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.core.timeutil import require_aware

__all__ = [
    "AgentTime",
    "CallRecord",
    "CallbackRecord",
    "FloorKpis",
    "abandonment_rate",
    "average_handle_time",
    "average_speed_of_answer",
    "callback_completion",
    "floor_kpis",
    "occupancy",
    "over_limit_calls",
    "service_level_answered",
    "service_level_strict",
    "transfer_rate",
]

_NO_TIME = timedelta(0)


@dataclass(frozen=True)
class CallRecord:
    """One call in one queue, finished or still in progress, as read from the event log.

    Contradictory records raise ValueError: a call with two outcomes would be counted twice
    and silently skew every rate built on it.
    """

    arrived_at: datetime  # entered the queue (aware)
    answered_at: datetime | None  # an agent connected; None if never
    ended_at: datetime | None  # talk ended, or caller hung up if abandoned; None = still going
    wrap_up_ended_at: datetime | None  # after-call work finished
    abandoned: bool = False  # caller hung up while waiting
    overflowed: bool = False  # left this queue for the overflow group (rule A2)
    turned_into_callback: bool = False  # caller took a callback instead of waiting (rule B8)
    transferred: bool = False  # transferred to another agent with consent (rule A4)
    max_talk: timedelta | None = None  # rule A1 for this call's queue; None: the caller's default

    def __post_init__(self) -> None:
        self._check_outcome()
        self._check_chronology()

    def _check_outcome(self) -> None:
        unanswered_outcomes = (self.abandoned, self.overflowed, self.turned_into_callback)
        if sum(unanswered_outcomes) > 1:
            raise ValueError("a call is at most one of abandoned, overflowed, callback")
        if any(unanswered_outcomes) and self.answered_at is not None:
            raise ValueError("an answered call cannot be abandoned, overflowed or a callback")
        if self.transferred and self.answered_at is None:
            raise ValueError("only an answered call can be transferred")
        if self.abandoned and self.ended_at is None:
            # Without the hang-up time the short-abandon rule cannot be applied.
            raise ValueError("an abandoned call needs ended_at (when the caller hung up)")
        if self.ended_at is not None and self.answered_at is None and not any(unanswered_outcomes):
            raise ValueError(
                "a call that ended unanswered must be abandoned, overflowed or a callback"
            )

    def _check_chronology(self) -> None:
        moments = [
            require_aware(moment)
            for moment in (self.arrived_at, self.answered_at, self.ended_at, self.wrap_up_ended_at)
            if moment is not None
        ]
        if moments != sorted(moments):
            raise ValueError("expected arrived_at <= answered_at <= ended_at <= wrap_up_ended_at")
        if self.wrap_up_ended_at is not None and (
            self.answered_at is None or self.ended_at is None
        ):
            raise ValueError("wrap-up follows an answered call that has ended")


@dataclass(frozen=True)
class CallbackRecord:
    """A callback promised to a caller (rule B8): when it is due and how it went."""

    due_at: datetime
    completed_at: datetime | None
    failed: bool = False

    def __post_init__(self) -> None:
        require_aware(self.due_at)
        if self.completed_at is not None:
            require_aware(self.completed_at)
            if self.failed:
                raise ValueError("a callback is either completed or failed, not both")


@dataclass(frozen=True)
class AgentTime:
    """One agent's time over the reporting period."""

    staffed: timedelta  # logged in (any state but logged out)
    handling: timedelta  # offered + on call + wrap-up

    def __post_init__(self) -> None:
        # Handling happens while logged in, so more handling than staffed time is bad data
        # and would push occupancy above 100 %.
        if not _NO_TIME <= self.handling <= self.staffed:
            raise ValueError(
                f"expected 0 <= handling <= staffed, got handling={self.handling}, "
                f"staffed={self.staffed}"
            )


@dataclass(frozen=True)
class FloorKpis:
    """Every KPI of the floor for one set of inputs (see the function of the same name)."""

    service_level_strict: float | None
    service_level_answered: float | None
    average_speed_of_answer: timedelta | None
    average_handle_time: timedelta | None
    abandonment_rate: float | None
    occupancy: float | None
    transfer_rate: float | None
    callback_completion: float | None
    over_limit_calls: int


# --- building blocks -----------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    # A zero denominator means there was nothing to measure, which is not the same as 0 %.
    return None if denominator == 0 else numerator / denominator


def _mean(durations: Sequence[timedelta]) -> timedelta | None:
    # statistics.mean does not take timedeltas; timedelta / int rounds to the microsecond.
    if not durations:
        return None
    return sum(durations, _NO_TIME) / len(durations)


def _wait(call: CallRecord) -> timedelta | None:
    return None if call.answered_at is None else call.answered_at - call.arrived_at


def _talk(call: CallRecord) -> timedelta | None:
    """Talk time of an answered call that has ended; None while the talk is still going."""
    if call.answered_at is None or call.ended_at is None:
        return None
    return call.ended_at - call.answered_at


def _answered(calls: Iterable[CallRecord]) -> list[CallRecord]:
    return [call for call in calls if call.answered_at is not None]


def _answered_within(calls: Iterable[CallRecord], threshold: timedelta) -> int:
    return sum(1 for call in calls if (wait := _wait(call)) is not None and wait <= threshold)


def _is_long_abandon(call: CallRecord, short_abandon: timedelta) -> bool:
    return (
        call.abandoned
        and call.ended_at is not None
        and call.ended_at - call.arrived_at > short_abandon
    )


def _resolved_offers(calls: Iterable[CallRecord], short_abandon: timedelta) -> list[CallRecord]:
    """Answered, abandoned after short_abandon, overflowed or turned into a callback."""
    return [
        call
        for call in calls
        if call.answered_at is not None
        or call.overflowed
        or call.turned_into_callback
        or _is_long_abandon(call, short_abandon)
    ]


def resolved_offers(calls: Iterable[CallRecord], short_abandon: timedelta) -> int:
    """How many calls a strict service level is taken over (its denominator)."""
    return len(_resolved_offers(calls, short_abandon))


# --- KPIs ----------------------------------------------------------------------------------


def service_level_strict(
    calls: Sequence[CallRecord], threshold: timedelta, short_abandon: timedelta
) -> float | None:
    """Share of resolved offers answered within ``threshold``.

    ``answered within threshold / (answered + abandoned after short_abandon + overflowed
    + turned into a callback)``. Within threshold: ``answered_at - arrived_at <= threshold``.
    Short abandons (``ended_at - arrived_at <= short_abandon``) are left out of numerator and
    denominator; calls still waiting are left out too. Overflows and callbacks count as misses
    (rule A2: an overflow is a breach of the service level). None when the denominator is 0.
    """
    return _ratio(_answered_within(calls, threshold), len(_resolved_offers(calls, short_abandon)))


def service_level_answered(calls: Sequence[CallRecord], threshold: timedelta) -> float | None:
    """Share of answered calls answered within ``threshold``.

    ``answered within threshold / answered``, where within threshold means
    ``answered_at - arrived_at <= threshold``. Calls still in talk count as answered.
    None when no call was answered.
    """
    return _ratio(_answered_within(calls, threshold), len(_answered(calls)))


def average_speed_of_answer(calls: Sequence[CallRecord]) -> timedelta | None:
    """Mean waiting time of the answered calls (ASA).

    ``mean(answered_at - arrived_at)`` over the answered calls, including those still in
    talk. None when no call was answered.
    """
    return _mean([wait for call in calls if (wait := _wait(call)) is not None])


def average_handle_time(calls: Sequence[CallRecord]) -> timedelta | None:
    """Mean handling time of the answered calls that have ended (AHT).

    ``mean(talk + wrap-up)`` where talk is ``ended_at - answered_at`` and wrap-up is
    ``wrap_up_ended_at - ended_at``, or 0 when the wrap-up end is missing. Calls still in talk
    are left out. None when no answered call has ended.
    """
    return _mean([handle for call in calls if (handle := _handle(call)) is not None])


def _handle(call: CallRecord) -> timedelta | None:
    """Talk plus wrap-up of an answered call that has ended; None while the talk is going."""
    if call.answered_at is None or call.ended_at is None:
        return None
    talk = call.ended_at - call.answered_at
    if call.wrap_up_ended_at is None:
        return talk
    return talk + (call.wrap_up_ended_at - call.ended_at)


def abandonment_rate(calls: Sequence[CallRecord], short_abandon: timedelta) -> float | None:
    """Share of resolved offers the caller abandoned.

    ``abandoned after short_abandon / offered``, where offered is every call except short
    abandons (``ended_at - arrived_at <= short_abandon``) and calls still waiting; that is,
    answered + abandoned after short_abandon + overflowed + turned into a callback.
    None when the denominator is 0.
    """
    offers = _resolved_offers(calls, short_abandon)
    return _ratio(sum(1 for call in offers if call.abandoned), len(offers))


def occupancy(agent_times: Sequence[AgentTime]) -> float | None:
    """Share of staffed time spent handling calls.

    ``sum(handling) / sum(staffed)`` over all agents, so an agent counts in proportion to
    their staffed time. None when nobody was staffed.
    """
    handling = sum((agent.handling for agent in agent_times), _NO_TIME)
    staffed = sum((agent.staffed for agent in agent_times), _NO_TIME)
    return None if staffed == _NO_TIME else handling / staffed


def transfer_rate(calls: Sequence[CallRecord]) -> float | None:
    """Share of answered calls transferred to another agent (rule A4).

    ``transferred / answered``, calls still in talk included. None when no call was answered.
    """
    answered = _answered(calls)
    return _ratio(sum(1 for call in answered if call.transferred), len(answered))


def callback_completion(callbacks: Sequence[CallbackRecord], now: datetime) -> float | None:
    """Share of the callbacks that are settled or overdue which were completed (rule B8).

    ``completed / (completed + failed + overdue)``: completed has ``completed_at``, failed is
    flagged ``failed``, overdue is neither with ``due_at < now``. A callback due at ``now`` or
    later and not yet completed is still pending and left out. None when the denominator is 0.
    """
    require_aware(now)
    completed = sum(1 for callback in callbacks if callback.completed_at is not None)
    failed = sum(1 for callback in callbacks if callback.failed)
    overdue = sum(1 for callback in callbacks if _is_overdue(callback, now))
    return _ratio(completed, completed + failed + overdue)


def _is_overdue(callback: CallbackRecord, now: datetime) -> bool:
    return callback.completed_at is None and not callback.failed and callback.due_at < now


def over_limit_calls(calls: Sequence[CallRecord], max_talk: timedelta) -> int:
    """Number of answered calls whose talk exceeded their limit (rule A1).

    A call's limit is its own ``max_talk`` (A1 is set per queue or team), else ``max_talk``.
    Counts calls with ``ended_at - answered_at > limit``; a talk of exactly the limit
    is within it. Calls still in talk are not counted: the live A1 alert covers them,
    this figure is for the finished calls.
    """
    return sum(
        1
        for call in calls
        if (talk := _talk(call)) is not None and talk > (call.max_talk or max_talk)
    )


def floor_kpis(
    calls: Sequence[CallRecord],
    callbacks: Sequence[CallbackRecord],
    agent_times: Sequence[AgentTime],
    *,
    now: datetime,
    threshold: timedelta,
    short_abandon: timedelta,
    max_talk: timedelta,
) -> FloorKpis:
    """Every KPI above for one set of inputs, as the wallboard and the reports show them."""
    return FloorKpis(
        service_level_strict=service_level_strict(calls, threshold, short_abandon),
        service_level_answered=service_level_answered(calls, threshold),
        average_speed_of_answer=average_speed_of_answer(calls),
        average_handle_time=average_handle_time(calls),
        abandonment_rate=abandonment_rate(calls, short_abandon),
        occupancy=occupancy(agent_times),
        transfer_rate=transfer_rate(calls),
        callback_completion=callback_completion(callbacks, now),
        over_limit_calls=over_limit_calls(calls, max_talk),
    )
