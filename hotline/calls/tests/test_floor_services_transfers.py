"""The call floor through its services: transfers and take-overs (A4, B10).

The agents of team Repairs (`agents`, `ready`), the queue (`repairs`) and the helpers
these modules share are in this folder's conftest."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import CallState
from hotline.calls.models import Call
from hotline.calls.services.agents import agent_leave_request, agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, call_end
from hotline.calls.services.tick import floor_tick
from hotline.calls.services.transfers import (
    call_take_over,
    transfer_accept,
    transfer_decline,
    transfer_request,
)
from hotline.calls.tests.conftest import SECOND, answered_call, state
from hotline.core.agent_states import AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal

pytestmark = pytest.mark.django_db


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
