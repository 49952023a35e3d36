"""A4 on the phones through the edge's API, as Kamailio and the desk's softphone call it: the
address a phone refers the caller to, whose phone the trunk's new call rings, and what that
phone did. Bad input and the wrong people change nothing."""

from typing import Any

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import CallState, TransferOutcome
from hotline.calls.models import Call, Transfer
from hotline.calls.tests.floor_http import arrive, http_api, pbx_answered, ready, state
from hotline.core.agent_states import AgentState
from hotline.voice.models import TransferLeg
from hotline.voice.transfers import transfer_address

pytestmark = pytest.mark.django_db

FIRST_DIALOG = "sip-0123456789abcdef0123456789abcdef"
NEW_DIALOG = "sip-fedcba9876543210fedcba9876543210"


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for, clock)


def connected_call(api: Any, external_id: str = FIRST_DIALOG, phone: bool = True) -> Call:
    """agent1 talks on a call of the SIP edge; agent2 is ready, with a phone (or not)."""
    ready(api, "agent1")
    arrive(api, external_id)
    assert pbx_answered(api, external_id).status_code == 200
    ready(api, "agent2")
    if phone:
        assert api("agent2", "post", "/voice/credentials").status_code == 200
    return Call.objects.get(external_id=external_id)


def ask(api: Any, call: Call) -> int:
    asked = api(
        "agent1",
        "post",
        f"/floor/calls/{call.pk}/transfer",
        {"to_agent": "agent2", "reason": "a boiler question"},
    )
    assert asked.status_code == 200, asked.content
    return int(asked.json()["id"])


def ring(api: Any, target: str) -> Any:
    return api("pbx", "post", "/voice/transfers/ring", {"target": target})


def test_a4_refer_address_is_the_first_agents_signed_and_rings_the_colleagues_phone(
    api, settings, centre
):
    settings.HOTLINE_VOICE_SIP_ADDRESS, settings.HOTLINE_VOICE_SIP_PORT = "10.0.0.5", 5070
    call = connected_call(api)
    transfer_id = ask(api, call)

    refer = api("agent1", "post", f"/voice/transfers/{transfer_id}/refer")
    assert refer.status_code == 200, refer.content
    address = transfer_address(transfer_id)
    assert refer.json()["refer_to"] == f"sip:{address}@10.0.0.5:5070"

    rung = ring(api, address)
    assert rung.status_code == 200, rung.content
    body = rung.json()
    assert body["transfer_id"] == transfer_id
    assert body["from_external_id"] == FIRST_DIALOG
    assert body["target"].startswith("h")
    assert 1000 <= body["ring_ms"] <= 60_000


def test_a4_refer_address_is_refused_to_anyone_but_the_first_agent_and_for_a_cti_call(api, centre):
    call = connected_call(api, "pbx-call-1")  # a call of the CTI path: its PBX moves it
    transfer_id = ask(api, call)
    for user in ("agent2", "agent3"):
        refused = api(user, "post", f"/voice/transfers/{transfer_id}/refer")
        assert refused.status_code == 409
        assert refused.json()["rule"] == "A4"
    cti = api("agent1", "post", f"/voice/transfers/{transfer_id}/refer")
    assert cti.status_code == 409
    assert "did not come through the SIP edge" in cti.json()["detail"]
    assert api("agent1", "post", "/voice/transfers/999999/refer").status_code == 409


def test_a4_forged_or_malformed_transfer_address_rings_nobody(api, centre):
    call = connected_call(api)
    transfer_id = ask(api, call)
    forged = f"xfer-{transfer_id}-{'0' * 20}"
    assert ring(api, forged).status_code == 404
    assert ring(api, transfer_address(transfer_id + 1)).status_code == 404  # no such transfer
    for bad in ("", "xfer-1", "repairs", "xfer-1-" + "g" * 20, "x" * 41):
        assert ring(api, bad).status_code == 422, bad
    assert Transfer.objects.get().outcome == TransferOutcome.PENDING


def test_a4_colleague_without_a_phone_or_a_transfer_no_longer_waiting_is_refused(api, centre):
    call = connected_call(api, phone=False)
    transfer_id = ask(api, call)
    address = transfer_address(transfer_id)
    no_phone = ring(api, address)
    assert no_phone.status_code == 409
    assert no_phone.json()["detail"].endswith("has no phone registered: the call stays with you.")
    assert Transfer.objects.get().outcome == TransferOutcome.PENDING  # the desk may still take it

    assert api("agent2", "post", f"/floor/transfers/{transfer_id}/decline").status_code in (
        200,
        204,
    )
    refused = ring(api, address)
    assert refused.status_code == 409
    assert refused.json() == {"rule": "A4", "detail": "This transfer is no longer waiting."}


def test_a4_answer_on_the_colleagues_phone_moves_the_call_to_the_new_dialog(api, centre):
    call = connected_call(api)
    assert (
        api("pbx", "post", f"/cti/calls/{FIRST_DIALOG}/hold", {"on_hold": True}).status_code == 200
    )
    transfer_id = ask(api, call)

    answered = api(
        "pbx", "post", f"/voice/transfers/{transfer_id}/answered", {"external_id": NEW_DIALOG}
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["agent"] == "agent2"
    call.refresh_from_db()
    assert (call.agent, call.external_id, call.state) == (
        centre["agent2"],
        NEW_DIALOG,
        CallState.CONNECTED,
    )
    assert call.held_since is None  # the trunk's hold of the first dialog ended with it
    leg = TransferLeg.objects.get()
    assert (leg.from_external_id, leg.to_external_id) == (FIRST_DIALOG, NEW_DIALOG)
    assert state(centre, "agent1") == AgentState.WRAP_UP
    assert state(centre, "agent2") == AgentState.ON_CALL
    # The new dialog's reports are the call's; the first one's are nobody's.
    assert api("pbx", "post", f"/cti/calls/{NEW_DIALOG}/ended").status_code == 200
    assert api("pbx", "post", f"/cti/calls/{FIRST_DIALOG}/ended").status_code == 404

    again = api(
        "pbx", "post", f"/voice/transfers/{transfer_id}/answered", {"external_id": NEW_DIALOG}
    )
    assert again.status_code == 409  # once only


def test_a4_refusal_or_ring_out_on_the_colleagues_phone_leaves_the_call(api, centre):
    call = connected_call(api)
    transfer_id = ask(api, call)
    before = Event.objects.count()
    refused = api("pbx", "post", f"/voice/transfers/{transfer_id}/unanswered", {"refused": True})
    assert refused.status_code == 200
    assert refused.json()["outcome"] == TransferOutcome.DECLINED
    assert Event.objects.count() > before
    # Told twice (the desk's Decline, then the phone): one decline, nothing more.
    count = Event.objects.count()
    again = api("pbx", "post", f"/voice/transfers/{transfer_id}/unanswered", {"refused": False})
    assert (again.status_code, again.json()["outcome"]) == (200, TransferOutcome.DECLINED)
    assert Event.objects.count() == count
    call.refresh_from_db()
    assert (call.agent, call.external_id) == (centre["agent1"], FIRST_DIALOG)
    assert state(centre, "agent2") == AgentState.READY

    late = api(
        "pbx", "post", f"/voice/transfers/{transfer_id}/answered", {"external_id": NEW_DIALOG}
    )
    assert late.status_code == 409
    assert not TransferLeg.objects.exists()


def test_a4_phone_report_bad_input_changes_nothing(api, centre):
    call = connected_call(api)
    transfer_id = ask(api, call)
    url = f"/voice/transfers/{transfer_id}"
    assert api("pbx", "post", f"{url}/answered", {"external_id": "bad id!"}).status_code == 422
    assert api("pbx", "post", f"{url}/answered", {"external_id": "s" * 101}).status_code == 422
    assert api("pbx", "post", f"{url}/unanswered", {"refused": "yes"}).status_code == 422
    assert (
        api(
            "pbx", "post", "/voice/transfers/999999/answered", {"external_id": NEW_DIALOG}
        ).status_code
        == 404
    )
    assert (
        api("pbx", "post", "/voice/transfers/999999/unanswered", {"refused": True}).status_code
        == 404
    )
    other = api("pbx", "post", f"{url}/answered", {"external_id": FIRST_DIALOG})
    assert other.status_code == 409  # a dialog that is a call already
    assert Transfer.objects.get().outcome == TransferOutcome.PENDING
    call.refresh_from_db()
    assert (call.agent, call.external_id) == (centre["agent1"], FIRST_DIALOG)
