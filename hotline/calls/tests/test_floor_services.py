"""The call floor through its services: every floor rule by id, with fixed times."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.audit.models import Event
from hotline.calls.choices import AlertKind, CallbackState, CallState, LeaveState, OfferOutcome
from hotline.calls.models import AgentSession, Alert, Call, Callback, LeaveRequest, Offer, Queue
from hotline.calls.selectors import wallboard
from hotline.calls.services.agents import (
    agent_leave_request,
    agent_log_in,
    agent_log_out,
    agent_make_ready,
)
from hotline.calls.services.calls import (
    DEFAULT_PRIORITY,
    Caller,
    agent_wrap_up_end,
    call_abandon,
    call_arrive,
    call_end,
    identify_caller,
    offer_accept,
    offer_decline,
)
from hotline.calls.services.floor import move_agent_if
from hotline.calls.services.overrides import agent_leave_override
from hotline.calls.services.tick import floor_tick
from hotline.calls.services.transfers import (
    call_take_over,
    transfer_accept,
    transfer_decline,
    transfer_request,
)
from hotline.calls.services.waiting import (
    CallbackOutcome,
    call_to_callback,
    callback_record_outcome,
    callback_schedule,
)
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Scope
from hotline.directory.models import Customer, SlaContract
from hotline.rulebook.services import rule_value_set

pytestmark = pytest.mark.django_db
SECOND = timedelta(seconds=1)


@pytest.fixture
def repairs(centre):
    return Queue.objects.get(code="repairs")


@pytest.fixture
def agents(centre):
    """The four agents of team Repairs, in the order they became ready."""
    return [centre[f"agent{n}"] for n in (1, 2, 3, 4)]


@pytest.fixture
def ready(agents, now):
    """All four logged in; agent1 ready first (longest idle), agent4 last."""
    for number, agent in enumerate(agents):
        agent_log_in(actor=agent, now=now - timedelta(minutes=30))
        agent_make_ready(actor=agent, now=now - timedelta(minutes=10 - number))
    return agents


def state(agent) -> str:
    return AgentSession.objects.get(agent=agent).state


def pending_offer(agent) -> Offer:
    return Offer.objects.get(agent=agent, outcome=OfferOutcome.PENDING)


def answered_call(repairs, agent, now) -> Call:
    call = call_arrive(now=now, queue=repairs, caller_number="+359 88 1000000")
    offer_accept(actor=agent, now=now + SECOND, offer_id=pending_offer(agent).pk)
    return Call.objects.get(pk=call.pk)


# B9: fair order -------------------------------------------------------------------------


def test_b9_call_goes_to_the_longest_idle_ready_agent(ready, repairs, now):
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    assert call.state == CallState.OFFERED
    assert pending_offer(ready[0]).call == call
    assert state(ready[0]) == AgentState.OFFERED


def test_b9_routing_decision_is_logged_with_its_candidates(ready, repairs, now):
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    event = Event.objects.get(entity="calls.call", entity_id=str(call.pk), action="offered")
    assert event.rule == "B9"
    assert event.new["candidates"] == [a.pk for a in ready]


def test_b9_an_offer_moves_the_agent_with_an_event(ready, repairs, now):
    call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    moved = Event.objects.get(entity="calls.agent", entity_id=str(ready[0].pk), action="offer")
    assert (moved.old, moved.new, moved.rule, moved.at) == ("ready", "offered", "B9", now)


def test_b9_only_a_ready_agent_is_offered_work(ready, now):
    agent_leave_request(actor=ready[0], now=now, kind=LeaveKind.BREAK)
    with pytest.raises(PolicyRefusal) as refused:
        move_agent_if(
            ready[0].pk, AgentState.READY, AgentEvent.OFFER, actor=None, now=now, rule="B9"
        )
    assert refused.value.rule_id == "B9"
    assert state(ready[0]) == AgentState.BREAK
    assert not Event.objects.filter(entity="calls.agent", action="offer").exists()


def test_b1_an_agent_off_the_floor_is_not_moved(agents, now):
    with pytest.raises(PolicyRefusal) as refused:
        move_agent_if(agents[0].pk, AgentState.READY, AgentEvent.OFFER, actor=None, now=now)
    assert refused.value.rule_id == "B1"
    assert not Event.objects.filter(entity="calls.agent").exists()


def test_b9_a_call_cycle_takes_few_statements(ready, repairs, now):
    """The floor's hot path (issue 3's p99 goal): statements per step, pinned so that a change
    adding round trips is a deliberate one. Each step's audit events are one INSERT of them."""
    call = None

    def arrive():
        nonlocal call
        call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")

    steps = {
        "arrive": arrive,
        "accept": lambda: offer_accept(
            actor=ready[0], now=now, offer_id=pending_offer(ready[0]).pk
        ),
        "end": lambda: call_end(actor=ready[0], now=now, call_id=call.pk),
        "wrap_up_end": lambda: agent_wrap_up_end(actor=ready[0], now=now, agent=ready[0]),
    }
    assert {name: statements(step) for name, step in steps.items()} == {
        # caller and SLA priority, call, team lock, waiting work, ready agents, offer,
        # call's state, agent's state, events
        "arrive": 9,
        # (the test's own offer lookup) team lock, offer lock, offer, agent, call, events
        "accept": 7,
        # team found and locked, call lock, call, a ringing transfer withdrawn (A4), agent,
        # events
        "end": 6,
        # team lock, agent lock, calls, agent, pending break, waiting work, events
        "wrap_up_end": 7,
    }


def statements(step) -> int:
    """SQL statements a service sends, less the savepoint pair of the test's transaction (on
    a live floor, BEGIN and COMMIT)."""
    with CaptureQueriesContext(connection) as captured:
        step()
    return sum(not q["sql"].startswith(("SAVEPOINT", "RELEASE")) for q in captured)


def test_b9_calls_are_served_by_sla_priority_then_arrival(centre, agents, repairs, now):
    agent_log_in(actor=agents[0], now=now)
    ordinary = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    business = centre["customer1"].customer  # give the second caller a priority contract
    business.contracts.create(name="Gold", order=1, priority=1)
    priority = call_arrive(now=now + SECOND, queue=repairs, caller_number=business.phone)
    agent_make_ready(actor=agents[0], now=now + 2 * SECOND)
    assert pending_offer(agents[0]).call_id == priority.pk
    assert Call.objects.get(pk=ordinary.pk).state == CallState.WAITING


def test_b9_declined_offer_goes_back_to_the_head_and_agent_is_not_ready(ready, repairs, now):
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    offer_decline(actor=ready[0], now=now + SECOND, offer_id=pending_offer(ready[0]).pk)
    session = AgentSession.objects.get(agent=ready[0])
    assert (session.state, session.reason) == (AgentState.AWAY, "declined call")
    assert pending_offer(ready[1]).call_id == call.pk  # next longest idle


def test_b9_unanswered_offer_expires_on_the_worker_tick(ready, repairs, now):
    call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    report = floor_tick(now + repairs.offer_ring_time)
    assert report.fired["offers_expired"] == 1
    assert state(ready[0]) == AgentState.AWAY
    assert pending_offer(ready[1])


def test_b9_an_agent_cannot_answer_a_colleagues_offer(ready, repairs, now):
    call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    with pytest.raises(PolicyRefusal) as refused:
        offer_accept(actor=ready[1], now=now, offer_id=pending_offer(ready[0]).pk)
    assert refused.value.rule_id == "B9"


def test_call_cycle_answer_end_wrap_up_ready(ready, repairs, now):
    call = answered_call(repairs, ready[0], now)
    assert (call.state, call.agent, state(ready[0])) == (CallState.CONNECTED, ready[0], "on_call")
    call_end(actor=ready[0], now=now + timedelta(minutes=4), call_id=call.pk)
    assert state(ready[0]) == AgentState.WRAP_UP
    floor_tick(now + timedelta(minutes=4) + repairs.wrap_up_time)
    assert state(ready[0]) == AgentState.READY
    assert Call.objects.get(pk=call.pk).state == CallState.ENDED


def test_abandoned_call_stops_ringing_and_agent_keeps_place_in_line(ready, repairs, now):
    call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    before = AgentSession.objects.get(agent=ready[0]).ready_since
    call_abandon(now=now + 2 * SECOND, call_id=call.pk)
    session = AgentSession.objects.get(agent=ready[0])
    assert (session.state, session.ready_since) == (AgentState.READY, before)
    assert Call.objects.get(pk=call.pk).state == CallState.ABANDONED


# A1: talk time ----------------------------------------------------------------------------


def test_a1_warning_at_80_percent_then_team_lead_alert_at_15_minutes(ready, repairs, now):
    call = answered_call(repairs, ready[0], now)
    floor_tick(now + timedelta(minutes=11))
    assert not Call.objects.get(pk=call.pk).talk_warned_at
    floor_tick(now + timedelta(minutes=12, seconds=1))
    assert Call.objects.get(pk=call.pk).talk_warned_at
    assert not Alert.objects.exists()
    floor_tick(now + timedelta(minutes=15, seconds=1))
    floor_tick(now + timedelta(minutes=16))
    alert = Alert.objects.get()
    assert (alert.kind, alert.rule, alert.agent) == (AlertKind.TALK_OVER, "A1", ready[0])


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


# B2-B6: breaks ------------------------------------------------------------------------------


def test_b3_break_refused_while_a_call_waits_and_the_refusal_is_kept(agents, repairs, now):
    agent_log_in(actor=agents[0], now=now)
    agent_log_in(actor=agents[1], now=now)
    agent_make_ready(actor=agents[1], now=now)
    call_arrive(now=now, queue=repairs, caller_number="+359 2 000")  # rings on agent2
    call_arrive(now=now, queue=repairs, caller_number="+359 2 001")  # waits
    agent_make_ready(actor=agents[0], now=now)  # gets the second call
    offer_decline(actor=agents[0], now=now, offer_id=pending_offer(agents[0]).pk)
    with pytest.raises(PolicyRefusal) as refused:
        agent_leave_request(actor=agents[0], now=now, kind=LeaveKind.BREAK)
    assert refused.value.rule_id == "B3"
    assert "calls in the queue" in refused.value.render()
    assert LeaveRequest.objects.get(agent=agents[0]).state == LeaveState.REFUSED
    assert Event.objects.filter(action="leave_refused", rule="B3").exists()
    assert state(agents[0]) == AgentState.AWAY


def test_b4_second_break_in_the_team_is_refused(ready, now):
    agent_leave_request(actor=ready[0], now=now, kind=LeaveKind.BREAK)
    with pytest.raises(PolicyRefusal) as refused:
        agent_leave_request(actor=ready[1], now=now, kind=LeaveKind.LUNCH)
    assert refused.value.rule_id == "B4"
    assert state(ready[1]) == AgentState.READY


def test_b4_team_setting_allows_two_at_a_time(centre, ready, now):
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="b4.max_on_break",
        raw="2",
        reason="x",
        scope=Scope.TEAM,
        scope_ref=str(ready[0].team_id),
    )
    agent_leave_request(actor=ready[0], now=now, kind=LeaveKind.BREAK)
    agent_leave_request(actor=ready[1], now=now, kind=LeaveKind.BREAK)
    assert {state(ready[0]), state(ready[1])} == {AgentState.BREAK}


def test_b2_third_short_break_of_the_day_is_refused(ready, now):
    for minutes in (0, 60):
        agent_leave_request(
            actor=ready[0], now=now + timedelta(minutes=minutes), kind=LeaveKind.BREAK
        )
        agent_make_ready(actor=ready[0], now=now + timedelta(minutes=minutes + 10))
    with pytest.raises(PolicyRefusal) as refused:
        agent_leave_request(actor=ready[0], now=now + timedelta(minutes=120), kind=LeaveKind.BREAK)
    assert refused.value.rule_id == "B2"


def test_b2_break_overrun_alerts_the_team_lead_once(ready, now):
    agent_leave_request(actor=ready[0], now=now, kind=LeaveKind.BREAK)
    floor_tick(now + timedelta(minutes=15))
    assert not Alert.objects.exists()
    floor_tick(now + timedelta(minutes=16))
    floor_tick(now + timedelta(minutes=17))
    assert Alert.objects.get().kind == AlertKind.BREAK_OVERRUN


def test_b5_break_asked_during_a_call_starts_after_wrap_up(ready, repairs, now):
    call = answered_call(repairs, ready[0], now)
    leave = agent_leave_request(
        actor=ready[0], now=now + timedelta(minutes=1), kind=LeaveKind.BREAK
    )
    assert leave.state == LeaveState.AFTER_CALL
    assert state(ready[0]) == AgentState.ON_CALL
    call_end(actor=ready[0], now=now + timedelta(minutes=3), call_id=call.pk)
    assert state(ready[0]) == AgentState.WRAP_UP
    agent_wrap_up_end(actor=ready[0], now=now + timedelta(minutes=4), agent=ready[0])
    assert state(ready[0]) == AgentState.BREAK
    assert LeaveRequest.objects.get(pk=leave.pk).state == LeaveState.ACTIVE


def test_b5_cannot_log_out_in_the_middle_of_a_call(ready, repairs, now):
    answered_call(repairs, ready[0], now)
    with pytest.raises(PolicyRefusal) as refused:
        agent_log_out(actor=ready[0], now=now + SECOND)
    assert refused.value.rule_id == "B5"
    assert state(ready[0]) == AgentState.ON_CALL


def test_b6_the_last_available_agent_of_the_queue_cannot_leave(agents, now):
    agent_log_in(actor=agents[0], now=now)
    agent_make_ready(actor=agents[0], now=now)
    with pytest.raises(PolicyRefusal) as refused:
        agent_leave_request(actor=agents[0], now=now, kind=LeaveKind.PERSONAL)
    assert refused.value.rule_id == "B6"
    with pytest.raises(PolicyRefusal):
        agent_log_out(actor=agents[0], now=now)
    assert state(agents[0]) == AgentState.READY


def test_team_lead_override_of_a_refused_break_is_audited(centre, ready, now):
    agent_leave_request(actor=ready[0], now=now, kind=LeaveKind.BREAK)
    agent_leave_override(
        actor=centre["lead"], now=now, agent=ready[1], kind=LeaveKind.BREAK, reason="feeling unwell"
    )
    assert state(ready[1]) == AgentState.BREAK
    event = Event.objects.get(action="leave_overridden")
    assert (event.actor, event.reason, event.rule) == (centre["lead"], "feeling unwell", "B4")


def test_only_the_team_lead_overrides(centre, ready, now):
    with pytest.raises(PermissionDenied):
        agent_leave_override(
            actor=ready[2], now=now, agent=ready[1], kind=LeaveKind.BREAK, reason="x"
        )
    assert state(ready[1]) == AgentState.READY


# A4 / B10: transfers and take-overs ---------------------------------------------------------


def test_a4_transfer_needs_a_reason(ready, repairs, now):
    call = answered_call(repairs, ready[0], now)
    with pytest.raises(PolicyRefusal) as refused:
        transfer_request(actor=ready[0], now=now, call_id=call.pk, to_agent=ready[1], reason=" ")
    assert refused.value.rule_id == "A4"


def test_a4_accepted_transfer_moves_the_call(ready, repairs, now):
    call = answered_call(repairs, ready[0], now)
    transfer = transfer_request(
        actor=ready[0], now=now, call_id=call.pk, to_agent=ready[1], reason="installation question"
    )
    assert state(ready[1]) == AgentState.OFFERED
    transfer_accept(actor=ready[1], now=now + 5 * SECOND, transfer_id=transfer.pk)
    assert Call.objects.get(pk=call.pk).agent == ready[1]
    assert (state(ready[0]), state(ready[1])) == (AgentState.WRAP_UP, AgentState.ON_CALL)


@pytest.mark.parametrize("how", ["declined", "unanswered"])
def test_a4_declined_or_unanswered_transfer_leaves_the_call_with_the_first_agent(
    ready, repairs, now, how
):
    call = answered_call(repairs, ready[0], now)
    transfer = transfer_request(
        actor=ready[0], now=now, call_id=call.pk, to_agent=ready[1], reason="billing"
    )
    if how == "declined":
        transfer_decline(actor=ready[1], now=now + SECOND, transfer_id=transfer.pk)
    else:
        floor_tick(now + timedelta(seconds=20))
    assert Call.objects.get(pk=call.pk).agent == ready[0]
    assert (state(ready[0]), state(ready[1])) == (AgentState.ON_CALL, AgentState.READY)


def test_b10_an_agent_cannot_take_over_a_colleagues_call(ready, repairs, now):
    call = answered_call(repairs, ready[0], now)
    with pytest.raises(PolicyRefusal) as refused:
        call_take_over(actor=ready[1], now=now, call_id=call.pk, reason="I know them")
    assert refused.value.rule_id == "B10"
    assert Call.objects.get(pk=call.pk).agent == ready[0]


def test_b10_the_team_lead_may_take_over_with_a_reason(centre, ready, repairs, now):
    lead = centre["lead"]
    agent_log_in(actor=lead, now=now)  # on the floor, away from the queue
    call = answered_call(repairs, ready[0], now)
    call_take_over(actor=lead, now=now, call_id=call.pk, reason="angry customer")
    assert Call.objects.get(pk=call.pk).agent == lead
    assert Event.objects.get(action="taken_over").rule == "B10"
    assert (state(lead), state(ready[0])) == (AgentState.ON_CALL, AgentState.WRAP_UP)
    call_end(actor=lead, now=now + timedelta(minutes=2), call_id=call.pk)
    assert Call.objects.get(pk=call.pk).state == CallState.WRAP_UP
    assert state(lead) == AgentState.WRAP_UP


def test_b10_the_team_lead_takes_over_only_from_the_floor(centre, ready, repairs, now):
    lead = centre["lead"]
    call = answered_call(repairs, ready[0], now)
    with pytest.raises(PolicyRefusal) as refused:
        call_take_over(actor=lead, now=now, call_id=call.pk, reason="angry customer")
    assert refused.value.rule_id == "B1"  # log in to the floor first
    agent_log_in(actor=lead, now=now)
    agent_make_ready(actor=lead, now=now)
    agent_leave_request(actor=lead, now=now, kind=LeaveKind.BREAK)
    with pytest.raises(PolicyRefusal) as refused:
        call_take_over(actor=lead, now=now, call_id=call.pk, reason="angry customer")
    assert refused.value.rule_id == "B10"  # not from a break
    assert Call.objects.get(pk=call.pk).agent == ready[0]
    assert state(ready[0]) == AgentState.ON_CALL
    assert not Event.objects.filter(action="taken_over").exists()


def test_b10_only_a_call_in_progress_is_taken_over(centre, repairs, now):
    lead = centre["lead"]
    agent_log_in(actor=lead, now=now)
    waiting = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")
    with pytest.raises(PolicyRefusal) as refused:
        call_take_over(actor=lead, now=now, call_id=waiting.pk, reason="angry customer")
    assert refused.value.rule_id == "B10"
    assert state(lead) == AgentState.AWAY


def test_every_agent_state_change_is_an_event(ready, repairs, now):
    before = Event.objects.filter(entity="calls.agent").count()
    call = answered_call(repairs, ready[0], now)
    call_end(actor=ready[0], now=now + timedelta(minutes=2), call_id=call.pk)
    after = Event.objects.filter(entity="calls.agent").count()
    assert after - before == 3  # offered, accepted, call ended


@pytest.mark.parametrize("written", ["+359 88 1000000", "359881000000", "088 100 0000"])
def test_screen_pop_recognises_the_caller_however_the_number_is_written(centre, written):
    customer = centre["customer1"].customer  # stored as "+359 88 1000000"
    assert identify_caller(written).customer_id == customer.pk


def test_screen_pop_stays_empty_for_unknown_or_short_numbers(centre):
    assert identify_caller("+1 555 0100 999").customer_id is None
    assert identify_caller("1000000").customer_id is None


def test_screen_pop_stays_empty_when_two_customers_share_the_number(centre):
    customer = centre["customer1"].customer
    Customer.objects.create(name="Same line", phone=customer.phone)
    assert identify_caller(customer.phone).customer_id is None


def test_b9_priority_comes_from_the_callers_contract_then_the_default_one(centre):
    customer = centre["customer1"].customer
    assert identify_caller(customer.phone) == Caller(customer.pk, DEFAULT_PRIORITY)
    SlaContract.objects.create(name="Default", order=5, priority=4)
    SlaContract.objects.create(name="Default, tried later", order=9, priority=2)
    assert identify_caller("+1 555 0100 999") == Caller(None, 4)
    assert identify_caller(customer.phone) == Caller(customer.pk, 4)
    customer.contracts.create(name="Gold", order=1, priority=1)
    customer.contracts.create(name="Silver", order=2, priority=3)
    assert identify_caller(customer.phone) == Caller(customer.pk, 1)


def _first_ready_events(agent):
    return Event.objects.filter(entity="calls.agent", entity_id=str(agent.pk), action="first_ready")


def test_b1_ready_in_time_is_recorded_not_late(centre, now):
    agent = centre["agent1"]
    opening = now.replace(hour=6, minute=30)  # 8:30 in Sofia (UTC+2 in November)
    agent_log_in(actor=agent, now=opening - timedelta(minutes=20))
    agent_make_ready(actor=agent, now=opening - timedelta(minutes=17))
    (event,) = _first_ready_events(agent)
    assert event.rule == "B1"
    assert event.new["late_seconds"] == 0
    assert wallboard(agent.team, opening).late_logins == 0


def test_b1_late_ready_is_counted_once_a_day(centre, now):
    agent = centre["agent1"]
    opening = now.replace(hour=6, minute=30)
    agent_log_in(actor=agent, now=opening - timedelta(minutes=5))
    agent_make_ready(actor=agent, now=opening - timedelta(minutes=5))
    colleague = centre["agent2"]  # stays available, so the break passes B6
    agent_log_in(actor=colleague, now=opening - timedelta(minutes=20))
    agent_make_ready(actor=colleague, now=opening - timedelta(minutes=20))
    agent_leave_request(actor=agent, now=opening + timedelta(hours=2), kind=LeaveKind.BREAK)
    agent_make_ready(actor=agent, now=opening + timedelta(hours=2, minutes=10))
    (event,) = _first_ready_events(agent)
    assert event.new["late_seconds"] == 10 * 60  # ready by 8:15, ready at 8:25
    assert wallboard(agent.team, opening + timedelta(hours=3)).late_logins == 1


def test_b1_nothing_is_recorded_on_a_closed_day(centre, now):
    agent = centre["agent1"]
    saturday = now + timedelta(days=5)
    agent_log_in(actor=agent, now=saturday)
    agent_make_ready(actor=agent, now=saturday)
    assert not _first_ready_events(agent).exists()


def test_b1_a_published_roster_sets_the_shift_start(centre, now):
    from hotline.workforce.models import Roster, RosterState, Shift

    agent = centre["agent1"]
    roster = Roster.objects.create(
        team=agent.team,
        first_monday=now.date(),
        weeks=1,
        state=RosterState.PUBLISHED,
        created_at=now,
        published_at=now,
    )
    Shift.objects.create(
        roster=roster,
        agent=agent,
        day=now.date(),
        prep_start=9 * 60 + 15,
        start=9 * 60 + 30,
        end=18 * 60,
    )
    ready = now.replace(hour=7, minute=10)  # 9:10 in Sofia: late for 8:30, early for 9:30
    agent_log_in(actor=agent, now=ready)
    agent_make_ready(actor=agent, now=ready)
    (event,) = _first_ready_events(agent)
    assert event.new["late_seconds"] == 0
