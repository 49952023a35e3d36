"""Waiting (rule A2) and callbacks (rule B8): nobody waits past the maximum."""

from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.payload import payload
from hotline.audit.services import event_append
from hotline.calls.choices import (
    AlertKind,
    CallbackFailure,
    CallbackState,
    CallState,
    OfferOutcome,
)
from hotline.calls.conflicts import CallConflict
from hotline.calls.events import QUEUE, CallAction, CallbackAction, CallsEntity
from hotline.calls.models import AgentSession, Alert, Call, Callback, Offer, Queue
from hotline.calls.services.calls import identify_caller
from hotline.calls.services.floor import lock_call
from hotline.calls.services.routing import floor_route
from hotline.core.agent_states import AVAILABLE_STATES
from hotline.core.floor import WaitAction, expected_wait, wait_action
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.routing import WaitingWork, WorkKind, position_in_queue
from hotline.rulebook.selectors import current_rulebook

# A callback the floor makes by itself (A2 at the limit) is due at once, for half an hour.
AUTOMATIC_CALLBACK_WINDOW = timedelta(minutes=30)


def _serving_agents(queue: Queue) -> int:
    return AgentSession.objects.filter(
        queues=queue, state__in=[s.value for s in AVAILABLE_STATES]
    ).count()


def queue_expected_waits(queue: Queue) -> dict[int, timedelta]:
    """A2: the expected remaining wait of each waiting call of the queue, by call id."""
    waiting = [
        WaitingWork(pk, WorkKind.CALL, queue.pk, priority, arrived)
        for pk, priority, arrived in Call.objects.filter(
            queue=queue, state=CallState.WAITING
        ).values_list("pk", "priority", "arrived_at")
    ]
    serving = _serving_agents(queue)
    return {
        work.id: expected_wait(
            position_in_queue(work, waiting), serving, queue.handle_time_estimate
        )
        for work in waiting
    }


def queue_check_waits(*, queue: Queue, now: datetime) -> list[tuple[int, WaitAction]]:
    """Apply A2 to every waiting call of the queue: offer a callback, overflow, or call back."""
    max_wait = current_rulebook().duration("a2.max_wait", queue=queue.pk)
    taken: list[tuple[int, WaitAction]] = []
    for call_id, remaining in queue_expected_waits(queue).items():
        with transaction.atomic():
            call = (
                Call.objects.select_for_update(skip_locked=True)
                .filter(pk=call_id, state=CallState.WAITING)
                .first()
            )
            if call is None:
                continue
            action = wait_action(
                arrived_at=call.overflowed_at or call.arrived_at,
                now=now,
                max_wait=max_wait,
                expected_remaining=remaining,
                callback_offered=call.callback_offered_at is not None,
                overflow_configured=queue.overflow_to_id is not None,
            )
            if action is not WaitAction.KEEP_WAITING:
                _APPLY[action](call, queue, now)
                taken.append((call.pk, action))
    if any(action is WaitAction.OVERFLOW for _, action in taken) and queue.overflow_to:
        floor_route(team_id=queue.overflow_to.team_id, now=now)
    return taken


def _offer_callback(call: Call, queue: Queue, now: datetime) -> None:
    # The PBX plays the offer to the caller; accepting comes back through call_to_callback.
    call.callback_offered_at = now
    call.save(update_fields=["callback_offered_at"])
    event_append(
        actor=None,
        now=now,
        entity=CallsEntity.CALL,
        entity_id=call.pk,
        action=CallAction.CALLBACK_OFFERED,
        rule="A2",
    )


def _overflow(call: Call, queue: Queue, now: datetime) -> None:
    assert queue.overflow_to_id is not None
    call.queue_id, call.overflowed_at = queue.overflow_to_id, now
    call.save(update_fields=["queue", "overflowed_at"])
    _breach(call, queue, now, action=CallAction.OVERFLOWED)


def _to_callback(call: Call, queue: Queue, now: datetime) -> None:
    _make_callback(call, now, now + AUTOMATIC_CALLBACK_WINDOW)
    _breach(call, queue, now, action=CallAction.TURNED_INTO_CALLBACK)


def _breach(call: Call, queue: Queue, now: datetime, *, action: CallAction) -> None:
    Alert.objects.create(
        kind=AlertKind.WAIT_BREACH, rule="A2", team_id=queue.team_id, call=call, raised_at=now
    )
    event_append(
        actor=None,
        now=now,
        entity=CallsEntity.CALL,
        entity_id=call.pk,
        action=action,
        new=payload({QUEUE: call.queue_id, "breach": True}),
        rule="A2",
    )


_APPLY = {
    WaitAction.OFFER_CALLBACK: _offer_callback,
    WaitAction.OVERFLOW: _overflow,
    WaitAction.TO_CALLBACK: _to_callback,
}


def _make_callback(call: Call, start: datetime, end: datetime) -> Callback:
    call.state, call.ended_at = CallState.CALLBACK, start if start < end else end
    call.save(update_fields=["state", "ended_at"])
    Offer.objects.filter(call=call, outcome=OfferOutcome.PENDING).update(
        outcome=OfferOutcome.WITHDRAWN
    )
    callback = Callback.objects.create(
        queue=call.queue,
        number=call.caller_number,
        customer=call.customer,
        origin_call=call,
        priority=call.priority,
        window_start=start,
        window_end=end,
    )
    event_append(
        actor=None,
        now=start,
        entity=CallsEntity.CALLBACK,
        entity_id=callback.pk,
        action=CallbackAction.SCHEDULED,
        new=payload(window_start=start, window_end=end, call=call),
        rule="B8",
    )
    return callback


def call_to_callback(
    *, now: datetime, call_id: int, window_start: datetime, window_end: datetime
) -> Callback:
    """The caller accepts a callback at an agreed time instead of waiting (B8, from the PBX)."""
    _check_window(now, window_start, window_end)
    with transaction.atomic():
        call = lock_call(call_id)
        if call.state != CallState.WAITING:
            raise CallConflict(
                call,
                gettext_noop("The call is %(state)s: only a waiting call can become a callback."),
            )
        callback = _make_callback(call, window_start, window_end)
        event_append(
            actor=None,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.TURNED_INTO_CALLBACK,
            new=payload(callback=callback),
            rule="B8",
        )
    return callback


# How far ahead a callback may be promised: no rule of the rulebook, a bound on input (a
# window in the year 9999 is a typing error, and overflows date arithmetic).
CALLBACK_HORIZON = timedelta(days=366)


def _check_window(now: datetime, start: datetime, end: datetime) -> None:
    if end > now + CALLBACK_HORIZON:
        raise PolicyRefusal("C1", gettext_noop("A callback is promised at most a year ahead."))
    if start < now - timedelta(minutes=1) or end <= start:
        raise PolicyRefusal(
            "C1",
            gettext_noop(
                "A callback needs a time window that starts now or later and ends after it starts."
            ),
        )


def callback_schedule(
    *,
    actor: User,
    now: datetime,
    queue: Queue,
    number: str,
    window_start: datetime,
    window_end: datetime,
) -> Callback:
    """An agent promises a callback at an agreed time (B8/C1)."""
    _check_window(now, window_start, window_end)
    if not any(ch.isdigit() for ch in number):
        raise PolicyRefusal("B8", gettext_noop("Enter the number to call back."))
    caller = identify_caller(number)
    with transaction.atomic():
        callback = Callback.objects.create(
            queue=queue,
            number=number,
            customer_id=caller.customer_id,
            priority=caller.priority,
            window_start=window_start,
            window_end=window_end,
        )
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALLBACK,
            entity_id=callback.pk,
            action=CallbackAction.SCHEDULED,
            new=payload(window_start=window_start, window_end=window_end),
            rule="B8",
        )
    return callback


class CallbackOutcome(StrEnum):
    COMPLETED = "completed"  # the customer was reached and served
    FAILED = "failed"  # dialled, not reached: a CallbackFailure says why


def callback_record_outcome(
    *,
    actor: User,
    now: datetime,
    callback_id: int,
    outcome: CallbackOutcome,
    failure: CallbackFailure | None = None,
    retry_at: datetime | None = None,
) -> Callback:
    """B8, tracked to completion: after dialling, the agent says how the callback went.

    Completed, or failed with a reason (the callback completion KPI counts both); a failed one
    may be tried again later inside its window (`retry_at`): it is due again then. Only the
    agent who dialled it, or their team lead, says so (B10: not a colleague's callback).
    """
    if outcome is CallbackOutcome.FAILED and failure in (None, CallbackFailure.WINDOW_PASSED):
        raise ValidationError(_("Say why the customer was not reached."))
    if outcome is CallbackOutcome.COMPLETED and (failure or retry_at):
        raise ValidationError(_("A completed callback has no failure reason or retry time."))
    with transaction.atomic():
        callback = Callback.objects.select_for_update().select_related("queue").get(pk=callback_id)
        _check_outcome_allowed(callback, actor, now, retry_at)
        if outcome is CallbackOutcome.COMPLETED:
            callback.state, callback.completed_at = CallbackState.COMPLETED, now
            action, reason = CallbackAction.COMPLETED, ""
        elif retry_at is not None:
            callback.state, callback.window_start = CallbackState.SCHEDULED, retry_at
            action, reason = CallbackAction.RESCHEDULED, str(failure)
        else:
            callback.state, callback.failure = CallbackState.FAILED, str(failure)
            action, reason = CallbackAction.FAILED, str(failure)
        callback.save(update_fields=["state", "completed_at", "window_start", "failure"])
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALLBACK,
            entity_id=callback.pk,
            action=action,
            new=payload(retry_at=retry_at) if retry_at else None,
            reason=reason,
            rule="B8",
        )
    if retry_at is not None:
        floor_route(team_id=callback.queue.team_id, now=now)  # due again at once, if retry_at is
    return callback


def _check_outcome_allowed(
    callback: Callback, actor: User, now: datetime, retry_at: datetime | None
) -> None:
    if callback.state != CallbackState.IN_PROGRESS:
        raise PolicyRefusal(
            "B8",
            gettext_noop("Only a callback being dialled gets an outcome; this one is %(state)s."),
            {"state": str(CallbackState(callback.state).label)},
        )
    lead_of_team = actor.role == Role.TEAM_LEAD and actor.team_id == callback.queue.team_id
    if callback.agent_id != actor.pk and not lead_of_team:
        raise PolicyRefusal("B10", gettext_noop("This callback was dialled by another agent."))
    if retry_at is not None and not now <= retry_at < callback.window_end:
        raise PolicyRefusal(
            "C1",
            gettext_noop("A callback is tried again inside its window, from now until it ends."),
        )


def callbacks_miss_expired(*, now: datetime) -> list[int]:
    """B8: a callback nobody dialled before its window ended is no longer offered: it is marked
    failed (not dialled in its window), with an event, and the team lead is alerted. Ids of the
    callbacks marked. The conditional update is the claim: two workers never mark one twice."""
    marked = []
    for callback_id, team_id in Callback.objects.filter(
        state=CallbackState.SCHEDULED, window_end__lte=now
    ).values_list("pk", "queue__team_id"):
        with transaction.atomic():
            claimed = Callback.objects.filter(
                pk=callback_id, state=CallbackState.SCHEDULED, window_end__lte=now
            ).update(state=CallbackState.FAILED, failure=CallbackFailure.WINDOW_PASSED)
            if not claimed:
                continue
            Alert.objects.create(
                kind=AlertKind.CALLBACK_MISSED, rule="B8", team_id=team_id, raised_at=now
            )
            event_append(
                actor=None,
                now=now,
                entity=CallsEntity.CALLBACK,
                entity_id=callback_id,
                action=CallbackAction.MISSED,
                reason=CallbackFailure.WINDOW_PASSED.value,
                rule="B8",
            )
        marked.append(callback_id)
    return marked


def callbacks_due_by_queue(now: datetime) -> dict[int, int]:
    rows = (
        Callback.objects.filter(
            state=CallbackState.SCHEDULED, window_start__lte=now, window_end__gt=now
        )
        .values("queue")
        .annotate(n=Count("id"))
    )
    return {row["queue"]: row["n"] for row in rows}
