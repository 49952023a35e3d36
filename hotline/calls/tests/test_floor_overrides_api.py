"""B2-B6 over HTTP: a team lead's override names the rule it sets aside (and only one that
refuses), B5 is never overridden, and B6 never strands a waiting caller: not even an agent who
just declined the ringing call may leave or log out while callers wait with nobody available.
Driven as people use it, with a clock that moves, in the demo centre (Sofia).
"""

import json

import pytest

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.calls.choices import CallState
from hotline.calls.models import AgentSession, Alert, BreakRequest, Call
from hotline.calls.tests.floor_http import (
    arrive,
    http_api,
    pbx_answered,
    ready,
    state,
)
from hotline.testing.people import installations_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for, clock)


@pytest.fixture
def other_lead(centre):
    centre["lead2"] = installations_lead()
    return centre["lead2"]


def overrides():
    return list(
        Event.objects.filter(action="leave_overridden").values_list("rule", flat=True)
    ), list(Alert.objects.values_list("rule", flat=True))


# B2-B6 overrides: the rule actually set aside, and only those ---------------------------------


def test_b6_an_override_of_a_b6_refusal_is_audited_as_b6(api, centre):
    ready(api, "agent1")
    refused = api("agent1", "post", "/floor/leave", {"kind": "personal"})
    assert (refused.status_code, refused.json()["rule"]) == (409, "B6")
    made = api(
        "lead",
        "post",
        "/floor/agents/agent1/override-leave",
        {"kind": "personal", "reason": "family emergency"},
    )
    assert made.status_code == 200
    assert made.json() == {
        "id": made.json()["id"],
        "kind": "personal",
        "state": "active",
        "overridden": ["B6"],
    }
    assert overrides() == (["B6"], ["B6"])
    event = Event.objects.get(action="leave_overridden")
    assert (event.actor, event.reason) == (centre["lead"], "family emergency")
    assert state(centre, "agent1") == "personal"


def test_b4_an_override_naming_b4_sets_aside_b4(api, centre):
    ready(api, "agent1", "agent2", "agent3")
    assert api("agent1", "post", "/floor/leave", {"kind": "break"}).status_code == 200
    refused = api("agent2", "post", "/floor/leave", {"kind": "break"})
    assert refused.json()["rule"] == "B4"
    made = api(
        "lead",
        "post",
        "/floor/agents/agent2/override-leave",
        {"kind": "break", "reason": "unwell", "rule": "B4"},
    )
    assert (made.status_code, made.json()["overridden"]) == (200, ["B4"])
    assert overrides() == (["B4"], ["B4"])


@pytest.mark.parametrize("rule", ["Z9", "B5", "B1", "A2", "", "b6"])
def test_b6_an_override_of_a_rule_that_cannot_be_overridden_there_is_422(api, centre, rule):
    ready(api, "agent1")
    response = api(
        "lead",
        "post",
        "/floor/agents/agent1/override-leave",
        {"kind": "personal", "reason": "x", "rule": rule},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "rule"
    assert state(centre, "agent1") == "ready"
    assert overrides() == ([], [])


def test_b6_the_overridable_rules_are_in_the_openapi(api):
    schemas = api("lead", "get", "/openapi.json").json()["components"]["schemas"]
    rule = schemas["OverrideIn"]["properties"]["rule"]
    assert {"enum": ["B2", "B3", "B4", "B6"], "type": "string"} in rule["anyOf"]
    assert schemas["OverrideIn"]["properties"]["reason"]["maxLength"] == 200


def test_b6_an_override_naming_another_rule_is_refused_naming_the_real_one(api, centre):
    ready(api, "agent1")
    response = api(
        "lead",
        "post",
        "/floor/agents/agent1/override-leave",
        {"kind": "personal", "reason": "x", "rule": "B4"},
    )
    assert (response.status_code, response.json()["rule"]) == (409, "B6")
    assert "B6" in response.json()["detail"]
    assert state(centre, "agent1") == "ready"
    assert overrides() == ([], [])


def test_b4_nothing_to_override_is_refused_and_changes_nothing(api, centre):
    ready(api, "agent1", "agent2")
    response = api(
        "lead", "post", "/floor/agents/agent1/override-leave", {"kind": "break", "reason": "x"}
    )
    assert (response.status_code, response.json()["rule"]) == (409, "B4")
    assert state(centre, "agent1") == "ready"
    assert overrides() == ([], [])


def test_b5_an_agent_on_a_call_is_not_sent_away_by_an_override(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    response = api(
        "lead", "post", "/floor/agents/agent1/override-leave", {"kind": "break", "reason": "x"}
    )
    assert (response.status_code, response.json()["rule"]) == (409, "B5")
    assert state(centre, "agent1") == "on_call"
    assert overrides() == ([], [])


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "break", "reason": ""},
        {"kind": "break", "reason": "x" * 201},
        {"kind": "nap", "reason": "x"},
        {"reason": "x"},
    ],
)
def test_b4_an_override_without_a_proper_reason_or_kind_is_422(api, centre, body):
    ready(api, "agent1", "agent2", "agent3")
    api("agent1", "post", "/floor/leave", {"kind": "break"})
    response = api("lead", "post", "/floor/agents/agent2/override-leave", body)
    assert response.status_code == 422
    assert state(centre, "agent2") == "ready"
    assert overrides() == ([], [])


def test_b4_a_blank_reason_is_422_too(api, centre):
    ready(api, "agent1", "agent2", "agent3")
    api("agent1", "post", "/floor/leave", {"kind": "break"})
    body = {"kind": "break", "reason": "   "}
    response = api("lead", "post", "/floor/agents/agent2/override-leave", body)
    assert response.status_code == 422
    assert "Say why" in response.json()["detail"]
    assert overrides() == ([], [])


def test_b6_a_team_lead_of_another_team_cannot_override(api, centre, other_lead):
    ready(api, "agent1")
    body = {"kind": "personal", "reason": "x"}
    response = api("lead2", "post", "/floor/agents/agent1/override-leave", body)
    assert response.status_code == 404  # not one of their agents: nothing is revealed
    assert api("agent2", "post", "/floor/agents/agent1/override-leave", body).status_code == 403
    assert state(centre, "agent1") == "ready"
    assert overrides() == ([], [])


# B6: nobody strands a waiting caller ----------------------------------------------------------


def test_b6_the_last_agent_who_declined_cannot_log_out_on_a_waiting_caller(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-1")
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    assert api("agent1", "post", f"/floor/offers/{offer['id']}/decline").status_code == 204
    assert state(centre, "agent1") == "away"
    for leaving in (("post", "/floor/logout", None), ("post", "/floor/leave", {"kind": "away"})):
        refused = api("agent1", *leaving)
        assert (refused.status_code, refused.json()["rule"]) == (409, "B6")
        assert "waiting" in refused.json()["detail"]
    assert state(centre, "agent1") == "away"
    assert Call.objects.get(external_id="pbx-1").state == CallState.WAITING
    # Ready again, the agent is offered the caller; once nobody waits, a not-ready agent goes.
    api("agent1", "post", "/floor/ready")
    assert api("agent1", "get", "/floor/desk").json()["offer"]["call_id"] is not None
    api("pbx", "post", "/cti/calls/pbx-1/abandoned")
    assert state(centre, "agent1") == "ready"
    refused = api("agent1", "post", "/floor/logout")  # the last one ready still stays (B6)
    assert (refused.status_code, refused.json()["rule"]) == (409, "B6")
    arrive(api, "pbx-2")
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    api("agent1", "post", f"/floor/offers/{offer['id']}/decline")
    api("pbx", "post", "/cti/calls/pbx-2/abandoned")
    assert api("agent1", "post", "/floor/logout").json()["state"] == "logged_out"


def test_b6_a_colleague_on_a_call_still_serves_the_waiting_caller(api, centre):
    ready(api, "agent1", "agent2")
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")  # agent1 talks
    arrive(api, "pbx-2")
    offer = api("agent2", "get", "/floor/desk").json()["offer"]
    api("agent2", "post", f"/floor/offers/{offer['id']}/decline")
    # agent1 will be ready after the call: the caller waits for them, agent2 may go.
    assert api("agent2", "post", "/floor/logout").json()["state"] == "logged_out"
    api("pbx", "post", "/cti/calls/pbx-1/ended")
    api("agent1", "post", "/floor/wrap-up/end")
    assert Call.objects.get(external_id="pbx-2").state == CallState.OFFERED


def test_b6_a_break_asked_during_the_call_is_refused_after_it_if_callers_would_wait(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    assert api("agent1", "post", "/floor/leave", {"kind": "personal"}).json()["state"] == (
        "after_call"
    )
    arrive(api, "pbx-2")  # waits behind the call
    api("pbx", "post", "/cti/calls/pbx-1/ended")
    api("agent1", "post", "/floor/wrap-up/end")
    assert BreakRequest.objects.get(agent=centre["agent1"]).refused_rule == "B6"
    assert Call.objects.get(external_id="pbx-2").state == CallState.OFFERED


def test_b1_logging_out_off_the_floor_is_refused_and_changes_nothing(api, centre):
    response = api("agent1", "post", "/floor/logout")
    assert (response.status_code, response.json()["rule"]) == (409, "B1")
    assert not AgentSession.objects.filter(agent=centre["agent1"]).exists()
    assert api("pbx", "post", "/floor/logout").status_code == 403


def test_b6_an_override_to_where_the_agent_already_is_names_the_overridden_rule(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-1")
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    api("agent1", "post", f"/floor/offers/{offer['id']}/decline")  # away, the caller waits
    body = {"kind": "away", "reason": "x"}
    response = api("lead", "post", "/floor/agents/agent1/override-leave", body)
    assert (response.status_code, response.json()["rule"]) == (409, "B6")
    assert overrides() == ([], [])
    made = api("lead", "post", "/floor/agents/agent1/override-leave", {**body, "kind": "personal"})
    assert made.json()["overridden"] == ["B6"]
    moved = Event.objects.filter(entity_id=str(centre["agent1"].pk), action="start_personal").get()
    assert (moved.rule, moved.actor) == ("B6", centre["lead"])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/floor/login", None),
        ("/floor/ready", None),
        ("/floor/logout", None),
        ("/floor/leave", {"kind": "break"}),
    ],
)
def test_b1_an_agent_without_a_team_is_told_so_not_a_server_error(
    client, in_english, token_for, path, body
):
    loner = User.objects.create_user("loner", role=Role.AGENT, language="en")
    response = client.post(
        f"/api/v1{path}",
        data=json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(loner)}",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only agents of a team take calls."}
    assert not AgentSession.objects.filter(agent=loner).exists()


# B6: the team lead lets an agent log out (the end of a shift) ---------------------------------


def test_b6_the_lead_lets_the_last_agent_log_out_audited_as_b6(api, centre):
    ready(api, "agent1")
    assert api("agent1", "post", "/floor/logout").json()["rule"] == "B6"
    body = {"reason": "end of shift"}
    made = api("lead", "post", "/floor/agents/agent1/override-logout", body)
    assert made.status_code == 200
    assert (made.json()["state"], made.json()["overridden"]) == ("logged_out", ["B6"])
    event = Event.objects.get(action="log_out_overridden")
    assert (event.rule, event.actor, event.reason) == ("B6", centre["lead"], "end of shift")
    assert Alert.objects.get().rule == "B6"


def test_b6_the_lead_lets_a_not_ready_agent_go_while_a_caller_waits(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-1")
    offer = api("agent1", "get", "/floor/desk").json()["offer"]
    api("agent1", "post", f"/floor/offers/{offer['id']}/decline")
    body = {"reason": "taken ill", "rule": "B6"}
    made = api("lead", "post", "/floor/agents/agent1/override-logout", body)
    assert made.json()["state"] == "logged_out"
    assert Call.objects.get(external_id="pbx-1").state == CallState.WAITING  # A2 takes over


def test_b6_a_log_out_override_with_nothing_to_override_is_refused(api, centre):
    ready(api, "agent1", "agent2")
    response = api("lead", "post", "/floor/agents/agent1/override-logout", {"reason": "x"})
    assert (response.status_code, response.json()["rule"]) == (409, "B6")
    assert state(centre, "agent1") == "ready"
    assert not Event.objects.filter(action="log_out_overridden").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"reason": ""},
        {"reason": "x" * 201},
        {"reason": "x", "rule": "B4"},
        {"reason": "x", "rule": "Z9"},
        {},
    ],
)
def test_b6_a_bad_log_out_override_is_422_and_changes_nothing(api, centre, body):
    ready(api, "agent1")
    response = api("lead", "post", "/floor/agents/agent1/override-logout", body)
    assert response.status_code == 422
    assert state(centre, "agent1") == "ready"
    assert not Event.objects.filter(action="log_out_overridden").exists()


def test_b6_only_the_agents_lead_logs_them_out(api, centre, other_lead):
    ready(api, "agent1")
    body = {"reason": "x"}
    assert api("lead2", "post", "/floor/agents/agent1/override-logout", body).status_code == 404
    assert api("agent2", "post", "/floor/agents/agent1/override-logout", body).status_code == 403
    arrive(api, "pbx-1")
    pbx_answered(api, "pbx-1")
    on_a_call = api("lead", "post", "/floor/agents/agent1/override-logout", body)
    assert (on_a_call.status_code, on_a_call.json()["rule"]) == (409, "B5")
    assert state(centre, "agent1") == "on_call"
    assert not Event.objects.filter(action="log_out_overridden").exists()
