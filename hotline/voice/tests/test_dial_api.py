"""Outbound dialling without the edge: the PBX's question `POST /voice/dial` (may this agent's
phone dial this number now?) for callbacks (B8) and follow-up calls (C6), what it records, and
its bad input and wrong role."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import CallbackState, CallState, OfferOutcome
from hotline.calls.models import Call, Callback, Offer
from hotline.calls.tests.floor_http import callback_ringing, http_api, ready
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.followup.numbers import followup_number
from hotline.followup.services import followup_take, followups_plan
from hotline.testing.cases import completed_order
from hotline.voice.edge import VoiceEdge, kamailio_cfg

pytestmark = pytest.mark.django_db

NUMBER = "+359881000000"  # the callback's number as the phone dials it
WRITTEN = "+359 88 1000000"  # as the agent wrote it


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for, clock)


def phone_of(api, username: str) -> str:
    issued = api(username, "post", "/voice/credentials")
    assert issued.status_code == 200, issued.content
    return str(issued.json()["username"])


def dial(api, sip_user: str, number: str, dialog: str = "sip-1", user: str = "pbx") -> Any:
    body = {"username": sip_user, "number": number, "dialog": dialog}
    return api(user, "post", "/voice/dial", body)


def snapshot() -> tuple[Any, ...]:
    return (
        list(Callback.objects.values_list("pk", "state", "attempts", "agent")),
        list(Offer.objects.values_list("pk", "outcome")),
        list(Call.objects.values_list("pk", "state")),
        list(FollowUp.objects.values_list("pk", "state", "taken_by")),
        Event.objects.exclude(entity__startswith="accounts.").count(),
    )


# B8: callbacks -------------------------------------------------------------------------------


def test_b8_dialling_the_callback_ringing_on_the_desk_answers_it_and_records_the_attempt(
    api, centre, clock
):
    ready(api, "agent1")
    sip_user = phone_of(api, "agent1")
    callback = callback_ringing(api, clock, number=WRITTEN)

    allowed = dial(api, sip_user, NUMBER, dialog="sip-abc")
    assert allowed.status_code == 200, allowed.content
    call = Call.objects.get(callback=callback)
    assert allowed.json() == {
        "kind": "callback",
        "target_id": callback.pk,
        "agent": "agent1",
        "external_id": f"hotline-{call.pk}",
    }
    callback.refresh_from_db()
    assert (callback.state, callback.agent, callback.attempts) == (
        CallbackState.IN_PROGRESS,
        centre["agent1"],
        1,
    )
    assert (call.state, call.agent) == (CallState.CONNECTED, centre["agent1"])
    # The desk's Answer's own records, and the dial's.
    assert Event.objects.filter(entity="calls.call", entity_id=str(call.pk), action="answered")
    dialled = Event.objects.get(entity="voice.outbound", entity_id="sip-abc")
    assert (dialled.action, dialled.rule, dialled.actor) == ("dialled", "B8", centre["agent1"])
    assert dialled.new == {
        "kind": "callback",
        "target": callback.pk,
        "number": NUMBER,
        "call": f"hotline-{call.pk}",
    }

    # The edge asks again for the same call (a retry): the same answer, recorded once.
    again = dial(api, sip_user, NUMBER, dialog="sip-abc")
    assert again.json() == allowed.json()
    assert Event.objects.filter(entity="voice.outbound").count() == 1
    assert Callback.objects.get(pk=callback.pk).attempts == 1


def test_b8_a_callback_answered_at_the_desk_is_dialled_while_its_call_lasts_not_after(
    api, centre, clock
):
    ready(api, "agent1")
    sip_user = phone_of(api, "agent1")
    callback = callback_ringing(api, clock, number=WRITTEN)
    offer = Offer.objects.get(callback=callback, outcome=OfferOutcome.PENDING)
    call = api("agent1", "post", f"/floor/offers/{offer.pk}/accept").json()

    allowed = dial(api, sip_user, NUMBER, dialog="sip-1")
    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["external_id"] == f"hotline-{call['id']}"
    assert Callback.objects.get(pk=callback.pk).attempts == 1  # the desk's Answer counted it

    assert api("agent1", "post", f"/floor/calls/{call['id']}/end").status_code == 200
    before = snapshot()
    refused = dial(api, sip_user, NUMBER, dialog="sip-2")
    assert refused.status_code == 409
    assert refused.json()["rule"] == "B8"
    assert "record how the callback went" in refused.json()["detail"]
    assert snapshot() == before


def test_b8_dialling_a_number_that_is_not_the_agents_callback_is_refused_and_changes_nothing(
    api, centre, clock
):
    ready(api, "agent1")
    sip_user = phone_of(api, "agent1")
    callback_ringing(api, clock, number=WRITTEN)
    assert api("agent2", "post", "/floor/login").status_code == 200
    colleague = phone_of(api, "agent2")
    before = snapshot()

    for who, number in ((sip_user, "+359881000001"), (sip_user, "0900123"), (colleague, NUMBER)):
        refused = dial(api, who, number)
        assert refused.status_code == 409, refused.content
        assert refused.json()["rule"] == "B8"
        assert number in refused.json()["detail"]
    assert snapshot() == before


def test_b8_a_phone_whose_credential_is_not_live_may_not_dial(api, centre, clock):
    ready(api, "agent1")
    sip_user = phone_of(api, "agent1")
    callback_ringing(api, clock, number=WRITTEN)
    phone_of(api, "agent1")  # a newer credential replaces the first
    before = snapshot()

    for who in (sip_user, "hnobody"):
        refused = dial(api, who, NUMBER)
        assert refused.status_code == 409
        assert refused.json()["rule"] == "B8"
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"username": "h1", "number": "0888 123", "dialog": "sip-1"},  # a space: not dialled so
        {"username": "h1", "number": "sip:0888", "dialog": "sip-1"},
        {"username": "h1", "number": "1" * 33, "dialog": "sip-1"},
        {"username": "h1", "number": "", "dialog": "sip-1"},
        {"username": "h 1", "number": "0888", "dialog": "sip-1"},
        {"username": "h" * 33, "number": "0888", "dialog": "sip-1"},
        {"username": "h1", "number": "0888", "dialog": "x" * 65},
        {"username": "h1", "number": "0888"},
        {"username": "h1", "number": 888, "dialog": "sip-1"},
    ],
)
def test_b8_dial_bad_input_is_a_clear_422_and_changes_nothing(api, centre, clock, body):
    before = snapshot()
    answer = api("pbx", "post", "/voice/dial", body)
    assert answer.status_code == 422, answer.content
    assert answer.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("user", ["agent1", "lead", "admin", "dispatcher", "provider1"])
def test_b8_only_the_pbx_asks_whether_a_phone_may_dial(api, centre, clock, user):
    ready(api, "agent1")
    sip_user = phone_of(api, "agent1")
    callback_ringing(api, clock, number=WRITTEN)
    before = snapshot()

    refused = dial(api, sip_user, NUMBER, user=user)
    assert refused.status_code == 403
    assert NUMBER not in refused.content.decode()
    assert "hotline-" not in refused.content.decode()
    assert snapshot() == before


# C6: follow-up calls -------------------------------------------------------------------------


@pytest.fixture
def followup(centre, clock) -> FollowUp:
    """A repair completed a week ago: its follow-up call is due (D12/C6)."""
    order = completed_order(centre, clock.now - timedelta(days=7))
    assert followups_plan(now=clock.now) == 1
    found = FollowUp.objects.select_related("work_order", "ticket__customer").get(work_order=order)
    assert found.state == FollowUpState.DUE
    assert found.due_at is not None
    assert found.due_at < clock.now
    return found


def test_c6_dialling_a_due_follow_up_takes_it_and_records_the_attempt(api, centre, clock, followup):
    assert api("agent1", "post", "/floor/login").status_code == 200
    sip_user = phone_of(api, "agent1")
    number = followup_number(followup)

    allowed = dial(api, sip_user, number, dialog="sip-f1")
    assert allowed.status_code == 200, allowed.content
    assert allowed.json() == {
        "kind": "followup",
        "target_id": followup.pk,
        "agent": "agent1",
        "external_id": "",
    }
    followup.refresh_from_db()
    assert (followup.state, followup.taken_by) == (FollowUpState.TAKEN, centre["agent1"])
    taken = Event.objects.get(
        entity="followup.followup", entity_id=str(followup.pk), action="taken"
    )
    assert taken.actor == centre["agent1"]
    dialled = Event.objects.get(entity="voice.outbound", entity_id="sip-f1")
    assert isinstance(dialled.new, dict)
    assert (dialled.rule, dialled.new["kind"], dialled.new["target"]) == (
        "C6",
        "followup",
        followup.pk,
    )


def test_c6_a_follow_up_taken_by_the_agent_is_dialled_one_taken_by_another_is_not(
    api, centre, clock, followup
):
    for username in ("agent1", "agent2"):
        assert api(username, "post", "/floor/login").status_code == 200
    mine, theirs = phone_of(api, "agent1"), phone_of(api, "agent2")
    followup_take(actor=centre["agent1"], now=clock.now, followup_id=followup.pk)
    number = followup_number(followup)

    before = snapshot()
    refused = dial(api, theirs, number, dialog="sip-f2")
    assert refused.status_code == 409, refused.content
    assert refused.json()["rule"] in ("B8", "D12")
    assert snapshot() == before

    allowed = dial(api, mine, number, dialog="sip-f3")
    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["kind"] == "followup"
    taken = Event.objects.filter(entity="followup.followup", action="taken")
    assert [event.actor for event in taken] == [centre["agent1"]]


def test_c6_a_follow_up_not_due_yet_is_not_dialled(api, centre, clock):
    order = completed_order(centre, clock.now - timedelta(hours=1))
    assert followups_plan(now=clock.now) == 1
    found = FollowUp.objects.select_related("work_order", "ticket__customer").get(work_order=order)
    assert found.due_at is not None
    assert found.due_at > clock.now
    assert api("agent1", "post", "/floor/login").status_code == 200
    sip_user = phone_of(api, "agent1")
    before = snapshot()

    refused = dial(api, sip_user, followup_number(found))
    assert refused.status_code == 409
    assert snapshot() == before


# The trunk's setting (HOTLINE_VOICE_TRUNK_URI) in the edge's configuration ------------------


def edge_with_trunk(tmp_path, trunk_uri: str) -> VoiceEdge:
    return replace(VoiceEdge.from_settings(tmp_path), trunk_uri=trunk_uri)


@pytest.mark.parametrize(
    ("trunk_uri", "relayed_to"),
    [("sip:carrier.example:5060", "carrier.example:5060"), ("sip:10.0.0.7", "10.0.0.7")],
)
def test_b8_the_edge_relays_dialled_numbers_to_the_configured_trunk(
    tmp_path, clock, trunk_uri, relayed_to
):
    cfg = kamailio_cfg(edge_with_trunk(tmp_path, trunk_uri), token="t", generated_at=clock.now)
    assert f'$ru = "sip:" + $rU + "@{relayed_to}";' in cfg
    assert "HOTLINE_API/api/v1/voice/dial" in cfg
    assert "No Outbound Calls Here" not in cfg


def test_b8_without_a_trunk_the_edge_refuses_every_outbound_call(tmp_path, clock):
    cfg = kamailio_cfg(edge_with_trunk(tmp_path, ""), token="t", generated_at=clock.now)
    assert 'sl_send_reply("403", "No Outbound Calls Here");' in cfg
    assert "HOTLINE_API/api/v1/voice/dial" not in cfg


@pytest.mark.parametrize(
    "trunk_uri",
    [
        "carrier.example",  # no scheme
        "sip:0888@carrier.example",  # a user part: the dialled number goes there
        "sip:carrier.example:5060;transport=tcp",  # parameters: not written into the config
        'sip:carrier.example"\n',
        "sip:carrier.example:99999",
        "sips:carrier.example",
        "sip:" + "c" * 254,
    ],
)
def test_b8_a_trunk_uri_that_is_not_sip_host_port_is_refused(tmp_path, clock, trunk_uri):
    with pytest.raises(ValueError, match="HOTLINE_VOICE_TRUNK_URI"):
        kamailio_cfg(edge_with_trunk(tmp_path, trunk_uri), token="t", generated_at=clock.now)
