"""The call floor through its services: breaks and leaving the phones (B2-B6), and the team
lead's override.

The agents of team Repairs (`agents`, `ready`), the queue (`repairs`) and the helpers
these modules share are in this folder's conftest."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from hotline.audit.models import Event
from hotline.calls.choices import AlertKind, LeaveState
from hotline.calls.models import Alert, BreakRequest
from hotline.calls.services.agents import (
    agent_leave_request,
    agent_log_in,
    agent_log_out,
    agent_make_ready,
)
from hotline.calls.services.calls import agent_wrap_up_end, call_arrive, call_end, offer_decline
from hotline.calls.services.overrides import agent_leave_override
from hotline.calls.services.tick import floor_tick
from hotline.calls.tests.conftest import SECOND, answered_call, pending_offer, state
from hotline.core.agent_states import AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Scope
from hotline.rulebook.services import rule_value_set

pytestmark = pytest.mark.django_db


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
    assert BreakRequest.objects.get(agent=agents[0]).state == LeaveState.REFUSED
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
    assert BreakRequest.objects.get(pk=leave.pk).state == LeaveState.ACTIVE


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
