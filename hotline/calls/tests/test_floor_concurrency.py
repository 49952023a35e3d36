"""On PostgreSQL, many agents at the same instant: no call reaches two agents, B4 holds."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.calls.choices import CallState, OfferOutcome
from hotline.calls.models import AgentSession, Call, Offer, Queue
from hotline.calls.services.agents import agent_leave_request, agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, offer_accept
from hotline.core.agent_states import AgentState
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
AGENTS = 16


@pytest.fixture
def crowd(centre, now):
    team = centre["agent1"].team
    agents = [
        User.objects.create(username=f"crowd{n}", role=Role.AGENT, team=team) for n in range(AGENTS)
    ]
    for agent in agents:
        agent_log_in(actor=agent, now=now)
    return agents


def all_at_once(work, items):
    """Run `work(item)` for every item in its own thread and connection, released together."""
    start = threading.Barrier(len(items))

    def run(item):
        try:
            start.wait()
            return work(item)
        except PolicyRefusal as refusal:
            return refusal
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items))


def test_b4_breaks_asked_at_the_same_instant_never_exceed_the_limit(crowd, now):
    for agent in crowd:
        agent_make_ready(actor=agent, now=now)
    results = all_at_once(
        lambda agent: agent_leave_request(
            actor=agent, now=now + timedelta(seconds=1), kind=LeaveKind.BREAK
        ),
        crowd,
    )
    on_break = AgentSession.objects.filter(agent__in=crowd, state=AgentState.BREAK).count()
    assert on_break == 1
    assert sum(isinstance(r, PolicyRefusal) and r.rule_id == "B4" for r in results) == AGENTS - 1


def test_no_call_is_offered_to_two_agents_when_all_get_ready_at_once(crowd, now):
    queue = Queue.objects.get(code="repairs")
    calls = [call_arrive(now=now, queue=queue, caller_number=f"+359 2 {n}") for n in range(10)]
    all_at_once(lambda agent: agent_make_ready(actor=agent, now=now + timedelta(seconds=1)), crowd)
    pending = Offer.objects.filter(outcome=OfferOutcome.PENDING)
    assert pending.count() == len(calls)
    assert pending.values("call").distinct().count() == len(calls)
    assert pending.values("agent").distinct().count() == len(calls)


def test_no_call_is_answered_by_two_agents(crowd, now):
    queue = Queue.objects.get(code="repairs")
    for agent in crowd:
        agent_make_ready(actor=agent, now=now)
    call = call_arrive(now=now + timedelta(seconds=1), queue=queue, caller_number="+359 2 1")
    offer = Offer.objects.get(call=call, outcome=OfferOutcome.PENDING)
    results = all_at_once(
        lambda agent: offer_accept(actor=agent, now=now + timedelta(seconds=2), offer_id=offer.pk),
        crowd,
    )
    answered = [r for r in results if isinstance(r, Call)]
    assert len(answered) == 1
    assert Call.objects.get(pk=call.pk).state == CallState.CONNECTED
    assert AgentSession.objects.filter(state=AgentState.ON_CALL).count() == 1
