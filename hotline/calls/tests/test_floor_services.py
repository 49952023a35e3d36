"""The call floor through its services: every floor rule by id, with fixed times. Here fair
routing and the call cycle (B9), talk time (A1), the screen pop and readiness (B1); waiting
and callbacks, breaks, and transfers have modules of their own.

The agents of team Repairs (`agents`, `ready`), the queue (`repairs`) and the helpers
these modules share are in this folder's conftest."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.audit.models import Event
from hotline.calls.choices import AlertKind, CallState
from hotline.calls.models import AgentSession, Alert, Call
from hotline.calls.selectors import wallboard
from hotline.calls.services.agents import agent_leave_request, agent_log_in, agent_make_ready
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
from hotline.calls.services.tick import floor_tick
from hotline.calls.tests.conftest import SECOND, answered_call, pending_offer, state
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Customer, SlaContract

pytestmark = pytest.mark.django_db


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
    assert event.new is not None
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
    """The floor's hot path (its p99 latency goal): statements per step, pinned so that a change
    adding round trips is a deliberate one. Each step's audit events are one INSERT of them."""
    call: Call | None = None

    def arrive():
        nonlocal call
        call = call_arrive(now=now, queue=repairs, caller_number="+359 2 000")

    def arrived() -> Call:
        assert call is not None, "the call arrived before it ends"
        return call

    steps = {
        "arrive": arrive,
        "accept": lambda: offer_accept(
            actor=ready[0], now=now, offer_id=pending_offer(ready[0]).pk
        ),
        "end": lambda: call_end(actor=ready[0], now=now, call_id=arrived().pk),
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


def test_every_agent_state_change_is_an_event(ready, repairs, now):
    before = Event.objects.filter(entity="calls.agent").count()
    call = answered_call(repairs, ready[0], now)
    call_end(actor=ready[0], now=now + timedelta(minutes=2), call_id=call.pk)
    after = Event.objects.filter(entity="calls.agent").count()
    assert after - before == 3  # offered, accepted, call ended


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
