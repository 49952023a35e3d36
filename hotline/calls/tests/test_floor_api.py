"""The floor over HTTP: the PBX pushes calls, agents work them, refusals name their rule."""

import json

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import CallState
from hotline.calls.models import AgentSession, Call, Offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, centre, token_for):
    """Call the API as a user: api("agent1", "post", "/floor/login", {...})."""

    def call(username, method, path, body=None):
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            data="" if body is None else _json(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_for(centre[username])}",
        )

    return call


def _json(body):
    return json.dumps(body)


def ready(api, *usernames):
    for username in usernames:
        assert api(username, "post", "/floor/login").status_code == 200
        assert api(username, "post", "/floor/ready").status_code == 200


def test_cti_call_is_routed_and_screen_popped(api, centre):
    ready(api, "agent1")
    customer = centre["customer1"].customer
    response = api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-1", "queue": "repairs", "caller_number": customer.phone},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["offered_to"] == "agent1"
    assert body["customer_id"] == customer.pk
    assert body["call"]["customer"] == customer.name


def test_cti_repeated_arrival_is_the_same_call(api):
    body = {"external_id": "pbx-2", "queue": "repairs", "caller_number": "+359 2 1"}
    first = api("pbx", "post", "/cti/calls", body).json()
    second = api("pbx", "post", "/cti/calls", body).json()
    assert first["call"]["id"] == second["call"]["id"]
    assert Call.objects.count() == 1


def test_cti_full_call_answered_ended(api):
    ready(api, "agent1")
    api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-3", "queue": "repairs", "caller_number": "+359 2 1"},
    )
    answered = api("pbx", "post", "/cti/calls/pbx-3/answered", {"agent": "agent1"})
    assert answered.json()["call"]["state"] == "connected"
    assert api("pbx", "post", "/cti/calls/pbx-3/ended").json()["call"]["state"] == "wrap_up"
    desk = api("agent1", "get", "/floor/desk").json()
    assert desk["state"]["state"] == "wrap_up"
    assert desk["handled_today"] == 1


def test_cti_abandoned_and_unknown_calls(api):
    api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-4", "queue": "repairs", "caller_number": "+359 2 1"},
    )
    assert api("pbx", "post", "/cti/calls/pbx-4/abandoned").json()["call"]["state"] == "abandoned"
    assert api("pbx", "post", "/cti/calls/nope/ended").status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"external_id": "x"}, {"external_id": "x", "queue": "nope", "caller_number": "1"}]
)
def test_cti_bad_arrival_is_refused_and_nothing_is_created(api, body):
    assert api("pbx", "post", "/cti/calls", body).status_code in (404, 422)
    assert not Call.objects.exists()


def test_agent_answers_and_ends_through_the_api(api):
    ready(api, "agent1")
    api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-5", "queue": "repairs", "caller_number": "+359 2 1"},
    )
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    call = api("agent1", "post", f"/floor/offers/{offer['id']}/accept").json()
    assert call["state"] == "connected"
    assert api("agent1", "post", f"/floor/calls/{call['id']}/end").json()["state"] == "wrap_up"
    assert api("agent1", "post", "/floor/wrap-up/end").json()["state"] == "ready"


def test_b4_refusal_is_409_with_the_rule_and_changes_nothing(api, centre):
    ready(api, "agent1", "agent2", "agent3")
    assert api("agent1", "post", "/floor/leave", {"kind": "break"}).status_code == 200
    response = api("agent2", "post", "/floor/leave", {"kind": "lunch"})
    assert response.status_code == 409
    assert response.json()["rule"] == "B4"
    assert AgentSession.objects.get(agent=centre["agent2"]).state == "ready"


def test_bad_leave_kind_is_422(api, centre):
    ready(api, "agent1")
    assert api("agent1", "post", "/floor/leave", {"kind": "nap"}).status_code == 422
    assert AgentSession.objects.get(agent=centre["agent1"]).state == "ready"


def test_an_agent_cannot_touch_a_colleagues_offer_or_call(api, centre):
    ready(api, "agent1", "agent2")
    api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-6", "queue": "repairs", "caller_number": "+359 2 1"},
    )
    offer = Offer.objects.get(agent=centre["agent1"])
    assert api("agent2", "post", f"/floor/offers/{offer.pk}/decline").status_code == 404
    accepted = api("agent2", "post", f"/floor/offers/{offer.pk}/accept")
    assert accepted.status_code == 409
    assert accepted.json()["rule"] == "B9"
    call = api("agent1", "post", f"/floor/offers/{offer.pk}/accept").json()
    assert api("agent2", "post", f"/floor/calls/{call['id']}/end").status_code == 404
    assert Call.objects.get(pk=call["id"]).state == CallState.CONNECTED


def test_a4_transfer_through_the_api(api, centre):
    ready(api, "agent1", "agent2")
    api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-7", "queue": "repairs", "caller_number": "+359 2 1"},
    )
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    call = api("agent1", "post", f"/floor/offers/{offer['id']}/accept").json()
    no_reason = api(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": ""},
    )
    assert (no_reason.status_code, no_reason.json()["rule"]) == (409, "A4")
    transfer = api(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "installation question"},
    ).json()
    other_team = api(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent5", "reason": "x"},
    )
    assert other_team.status_code == 404
    moved = api("agent2", "post", f"/floor/transfers/{transfer['id']}/accept").json()
    assert moved["agent"] == "agent2"


def test_wallboard_kpis_come_from_the_event_log(api, centre):
    ready(api, "agent1")
    api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-8", "queue": "repairs", "caller_number": "+359 2 1"},
    )
    api("pbx", "post", "/cti/calls/pbx-8/answered", {"agent": "agent1"})
    board = api("lead", "get", "/floor/wallboard").json()
    assert board["team"] == "Repairs"
    assert board["kpis"]["service_level_answered"] == 1.0
    assert [a["agent"] for a in board["agents"]] == ["agent1"]
    assert Event.objects.filter(entity="calls.call", action="answered").count() == 1


def test_team_lead_override_and_take_over_through_the_api(api, centre):
    ready(api, "agent1", "agent2", "agent3")
    api("agent1", "post", "/floor/leave", {"kind": "break"})
    made = api(
        "lead",
        "post",
        "/floor/agents/agent2/override-leave",
        {"kind": "break", "reason": "doctor's call"},
    )
    assert made.status_code == 200
    assert (
        api(
            "lead", "post", "/floor/agents/agent5/override-leave", {"kind": "break", "reason": "x"}
        ).status_code
        == 404
    )  # not the lead's team
