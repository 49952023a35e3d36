"""The call floor through its services: waiting and callbacks (A2, B8, C1).

The agents of team Repairs (`agents`, `ready`), the queue (`repairs`) and the helpers
these modules share are in this folder's conftest."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import CallbackState, CallState
from hotline.calls.models import Alert, Call, Callback, Offer, Queue
from hotline.calls.services.agents import agent_log_in
from hotline.calls.services.calls import call_arrive, call_end, offer_accept
from hotline.calls.services.tick import floor_tick
from hotline.calls.services.waiting import (
    CallbackOutcome,
    call_to_callback,
    callback_record_outcome,
    callback_schedule,
)
from hotline.calls.tests.conftest import SECOND, pending_offer
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Scope
from hotline.rulebook.services import rule_value_set

pytestmark = pytest.mark.django_db


# A2 / B8: waiting and callbacks ------------------------------------------------------------


def test_a2_callback_offered_when_the_expected_wait_passes_3_minutes(agents, repairs, now):
    agent_log_in(actor=agents[0], now=now)  # logged in, not ready: nobody serves the queue
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    floor_tick(now + SECOND)
    assert Call.objects.get(pk=call.pk).callback_offered_at == now + SECOND
    assert Event.objects.filter(action="callback_offered", rule="A2").count() == 1


def test_a2_at_the_limit_without_overflow_the_call_becomes_a_callback(agents, repairs, now):
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    floor_tick(now + timedelta(minutes=3))
    call.refresh_from_db()
    assert call.state == CallState.CALLBACK
    assert Callback.objects.get(origin_call=call).state == CallbackState.SCHEDULED
    assert Alert.objects.get().rule == "A2"


def test_a2_at_the_limit_the_call_overflows_to_the_next_group(centre, agents, repairs, now):
    installations = Queue.objects.get(code="installations")
    repairs.overflow_to = installations
    repairs.save()
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    floor_tick(now + timedelta(minutes=3))
    call.refresh_from_db()
    assert (call.queue, call.state) == (installations, CallState.WAITING)
    assert Event.objects.get(action="overflowed").rule == "A2"


def test_a2_an_overflowed_call_waits_its_own_maximum_in_the_next_group(
    centre, agents, repairs, now
):
    installations = Queue.objects.get(code="installations")
    repairs.overflow_to = installations
    repairs.save()
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    floor_tick(now + timedelta(minutes=3))
    floor_tick(now + timedelta(minutes=3) + SECOND)  # not turned into a callback at once
    call.refresh_from_db()
    assert (call.queue, call.state) == (installations, CallState.WAITING)
    assert call.overflowed_at == now + timedelta(minutes=3)
    floor_tick(now + timedelta(minutes=6))
    call.refresh_from_db()
    assert call.state == CallState.CALLBACK


def test_a2_queue_setting_changes_the_limit(centre, agents, repairs, now):
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="a2.max_wait",
        raw="2",
        reason="pilot",
        scope=Scope.QUEUE,
        scope_ref=str(repairs.pk),
    )
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    floor_tick(now + timedelta(minutes=2))
    assert Call.objects.get(pk=call.pk).state == CallState.CALLBACK


def test_b8_caller_accepts_a_callback_at_an_agreed_time(agents, repairs, now):
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    callback = call_to_callback(
        now=now,
        call_id=call.pk,
        window_start=now + timedelta(hours=1),
        window_end=now + timedelta(hours=2),
    )
    assert Call.objects.get(pk=call.pk).state == CallState.CALLBACK
    assert callback.window_start == now + timedelta(hours=1)


def test_b8_due_callback_is_offered_like_a_call_and_completed(ready, repairs, now):
    callback = callback_schedule(
        actor=ready[0],
        now=now,
        queue=repairs,
        number="+359 2 123",
        window_start=now + timedelta(minutes=5),
        window_end=now + timedelta(minutes=35),
    )
    assert not Offer.objects.exists()
    floor_tick(now + timedelta(minutes=5))
    offer = pending_offer(ready[0])
    assert offer.callback == callback
    call = offer_accept(actor=ready[0], now=now + timedelta(minutes=6), offer_id=offer.pk)
    call_end(actor=ready[0], now=now + timedelta(minutes=9), call_id=call.pk)
    assert Callback.objects.get(pk=callback.pk).state == CallbackState.IN_PROGRESS
    callback_record_outcome(
        actor=ready[0],
        now=now + timedelta(minutes=10),
        callback_id=callback.pk,
        outcome=CallbackOutcome.COMPLETED,
    )
    assert Callback.objects.get(pk=callback.pk).state == CallbackState.COMPLETED


@pytest.mark.parametrize(("start", "end"), [(-10, 20), (30, 20), (30, 30)])
def test_c1_callback_window_must_be_in_the_future_and_not_empty(ready, repairs, now, start, end):
    with pytest.raises(PolicyRefusal) as refused:
        callback_schedule(
            actor=ready[0],
            now=now,
            queue=repairs,
            number="+359 2 123",
            window_start=now + timedelta(minutes=start),
            window_end=now + timedelta(minutes=end),
        )
    assert refused.value.rule_id == "C1"
    assert not Callback.objects.exists()
