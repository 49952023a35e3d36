"""Desk and wallboard pages: bad input is refused with nothing changed, nobody acts for another."""

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from hotline.calls.choices import OfferOutcome
from hotline.calls.models import AgentSession, Offer, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive

pytestmark = pytest.mark.django_db


def act(client, user, **data):
    client.force_login(user)
    return client.post(reverse("calls:desk_action"), data)


@pytest.mark.parametrize(
    "data", [{}, {"action": "dance"}, {"action": "leave:nap"}, {"action": "accept", "offer": "x"}]
)
def test_desk_bad_action_is_400_and_changes_nothing(client, centre, now, data):
    agent_log_in(actor=centre["agent1"], now=now)
    assert act(client, centre["agent1"], **data).status_code == 400
    assert AgentSession.objects.get(agent=centre["agent1"]).state == "away"


def test_desk_refusal_shows_the_rule_and_keeps_the_state(client, centre, now):
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    response = act(client, centre["agent1"], action="leave:personal")
    assert response.status_code == 409
    assert 'data-rule="B6"' in response.content.decode()
    assert AgentSession.objects.get(agent=centre["agent1"]).state == "ready"


def test_desk_an_agent_cannot_answer_a_colleagues_offer(client, centre, now):
    for name in ("agent1", "agent2"):
        agent_log_in(actor=centre[name], now=now)
        agent_make_ready(actor=centre[name], now=now)
    call_arrive(now=now, queue=Queue.objects.get(code="repairs"), caller_number="+359 2 1")
    offer = Offer.objects.get(outcome=OfferOutcome.PENDING)
    other = centre["agent2"] if offer.agent == centre["agent1"] else centre["agent1"]
    response = act(client, other, action="accept", offer=str(offer.pk))
    assert response.status_code == 409
    assert 'data-rule="B9"' in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).outcome == OfferOutcome.PENDING


def test_desk_transfer_to_another_team_is_404(client, centre, now):
    agent_log_in(actor=centre["agent1"], now=now)
    response = act(
        client,
        centre["agent1"],
        action="transfer",
        call="1",
        to_agent=str(centre["agent5"].pk),
        reason="x",
    )
    assert response.status_code == 404


def test_desk_panel_shows_only_the_agents_own_offer(client, centre, now):
    for name in ("agent1", "agent2"):
        agent_log_in(actor=centre[name], now=now)
        agent_make_ready(actor=centre[name], now=now)
    call_arrive(now=now, queue=Queue.objects.get(code="repairs"), caller_number="+359 2 555 123")
    offer = Offer.objects.get(outcome=OfferOutcome.PENDING)
    other = centre["agent2"] if offer.agent == centre["agent1"] else centre["agent1"]
    client.force_login(other)
    assert "555 123" not in client.get(reverse("calls:desk_panel")).content.decode()
    client.force_login(offer.agent)
    assert "555 123" in client.get(reverse("calls:desk_panel")).content.decode()


def test_wallboard_shows_only_the_leads_team(client, centre, now):
    call_arrive(
        now=now, queue=Queue.objects.get(code="installations"), caller_number="+359 2 777 888"
    )
    client.force_login(centre["lead"])  # lead of Repairs
    page = client.get(reverse("calls:wallboard_panel")).content.decode()
    assert "777 888" not in page


def test_stream_sends_the_last_event_id_first(client, centre):
    client.force_login(centre["agent1"])
    response = client.get(reverse("calls:stream"))

    async def read() -> bytes:
        return b"".join([chunk async for chunk in response.streaming_content])

    assert async_to_sync(read)().decode().startswith("retry: 1000\nid: ")
