"""The floor driven as people and the PBX drive it: over HTTP, with a clock that moves.

`clock` stands in for `hotline.clock.now` (the one place the running system reads the time);
`clock.tick()` runs the worker's floor timers at the current time, as `hotline worker` does.
At the end, the fixtures of the services' tests, which call the services at fixed times.
"""

from datetime import timedelta
from typing import Any

import pytest

from hotline.accounts.models import User
from hotline.calls.choices import OfferOutcome
from hotline.calls.models import AgentSession, Call, Offer, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, offer_accept
from hotline.calls.tests.floor_http import http_api
from hotline.testing.clock import MovingClock
from hotline.testing.people import installations_lead


@pytest.fixture
def lead2(centre: dict[str, Any]) -> User:
    return installations_lead()


@pytest.fixture
def floor(client: Any, centre: dict[str, Any], token_for: Any, clock: MovingClock) -> Any:
    """floor("agent1", "post", "/floor/login", {...}) against /api/v1, as that user."""
    return http_api(client, token_for)


# The services' tests (test_floor_services*.py): the floor at fixed times, no HTTP. --------

SECOND = timedelta(seconds=1)


@pytest.fixture
def repairs(centre):
    return Queue.objects.get(code="repairs")


@pytest.fixture
def agents(centre):
    """The four agents of team Repairs, in the order they became ready."""
    return [centre[f"agent{n}"] for n in (1, 2, 3, 4)]


@pytest.fixture(name="ready")
def ready_agents(agents, now):
    """All four logged in; agent1 ready first (longest idle), agent4 last. (The services'
    tests' fixture `ready`; `ready()` above readies agents over HTTP.)"""
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
