"""A4 on real phones: the first agent's phone (baresip) refers the caller (baresip, the trunk)
to the colleague's phone (SIPp); the colleague's answer is their consent and the call moves,
their refusal leaves the caller with the first agent. Through Kamailio + rtpengine + Hotline."""

from pathlib import Path
from typing import Any

import pytest

from hotline.calls.choices import CallState, TransferOutcome
from hotline.calls.models import AgentSession, Call, Transfer
from hotline.calls.tests.floor_http import ready
from hotline.core.agent_states import AgentState
from hotline.voice.models import TransferLeg
from hotline.voice.stack import RunningEdge
from hotline.voice.tests.baresip import Baresip
from hotline.voice.tests.sipp import sipp_log
from hotline.voice.tests.test_sip_calls import (
    CALLER_NUMBER,
    Phone,
    call_events,
    the_call,
    until,
)
from hotline.voice.tests.test_transfer_api import ask
from hotline.voice.transfers import transfer_address

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def ask_transfer(api: Any) -> tuple[Transfer, str]:
    """agent1 asks at the desk to transfer their call to agent2, and gets the address their
    phone refers the caller to."""
    transfer_id = ask(api, the_call())
    refer = api("agent1", "post", f"/voice/transfers/{transfer_id}/refer")
    assert refer.status_code == 200, refer.content
    refer_to = refer.json()["refer_to"]
    assert refer_to.startswith(f"sip:xfer-{transfer_id}-")
    return Transfer.objects.get(pk=transfer_id), refer_to


class Talk:
    """agent1's desk phone (baresip) answering a caller (baresip at the trunk's address)."""

    def __init__(self, api: Any, edge: RunningEdge, folder: Path, settings: Any):
        settings.HOTLINE_VOICE_SIP_PORT = edge.edge.sip_port  # where the trunk calls again
        ready(api, "agent1")
        issued = api("agent1", "post", "/voice/credentials").json()
        port = edge.edge.sip_port
        self.phone = Baresip(
            folder / "agent1",
            f"<sip:{issued['username']}@127.0.0.1:{port}>"
            f";auth_pass={issued['password']};answermode=auto;regint=300",
        )
        self.caller = Baresip(folder / "caller", f"<sip:{CALLER_NUMBER}@127.0.0.1>;regint=0")
        self.edge = edge
        until(lambda: "200 OK" in self.phone.log(), 15)  # registered
        self.caller.command("dial", f"sip:repairs@127.0.0.1:{port}")
        until(lambda: Call.objects.filter(state=CallState.CONNECTED).exists(), 15)

    def logs(self) -> str:
        return (
            self.phone.log()[-3000:]
            + "\n--- caller\n"
            + self.caller.log()[-4000:]
            + self.edge.logs()
        )

    def transfer_to_agent2(self, api: Any) -> Transfer:
        """agent1 asks at the desk, then their phone refers the caller where Hotline says."""
        transfer, refer_to = ask_transfer(api)
        done = self.phone.command("transfer", refer_to)
        assert done.get("ok"), (done, self.logs())
        return transfer

    def stop(self) -> None:
        self.caller.stop()
        self.phone.stop()


@pytest.fixture
def talk(api, edge, tmp_path, settings):
    talk = Talk(api, edge, tmp_path / "baresip", settings)
    yield talk
    talk.stop()


def test_a4_sip_transfer_answered_on_the_colleagues_phone_moves_the_call(
    api, edge, logs, audio, centre, talk
):
    first = the_call()
    ready(api, "agent2")
    colleague = Phone(api, edge, logs, audio, "agent2")

    transfer = talk.transfer_to_agent2(api)

    until(lambda: the_call().agent_id == centre["agent2"].pk, 15)
    # The first phone let go of its dialog once the trunk said the new one was answered.
    until(lambda: "repairs@127.0.0.1:" in talk.caller.log().split("Call established")[-1], 10)
    moved = the_call()
    assert moved.state == CallState.CONNECTED
    assert moved.external_id != first.external_id
    leg = TransferLeg.objects.get()
    assert (leg.call, leg.from_external_id, leg.to_external_id) == (
        moved,
        first.external_id,
        moved.external_id,
    )
    transfer.refresh_from_db()
    assert transfer.outcome == TransferOutcome.ACCEPTED
    assert AgentSession.objects.get(agent=centre["agent1"]).state == AgentState.WRAP_UP
    assert AgentSession.objects.get(agent=centre["agent2"]).state == AgentState.ON_CALL
    # The colleague's phone was told which transfer rings (the desk's softphone matches it).
    assert f"X-Hotline-Transfer: {transfer.pk}" in sipp_log(logs, "phone", colleague.port)

    # The first dialog's BYE ended nothing: the caller talks with agent2 until they hang up.
    assert the_call().state == CallState.CONNECTED, talk.logs()
    talk.caller.command("hangup")
    colleague.answered(edge)
    call = the_call()
    assert (call.state, call.agent) == (CallState.WRAP_UP, centre["agent2"])
    events = call_events(call)
    assert events[:3] == ["arrived", "offered", "answered"]
    assert events[3:] == ["transfer_requested", "transferred", "ended"], events


@pytest.mark.django_db(transaction=True, reset_sequences=True)  # the first transfer is #1
def test_a4_sip_transfer_refused_on_the_colleagues_phone_leaves_the_caller_with_the_first_agent(
    api, edge, logs, audio, centre, tmp_path, settings
):
    # SIPp as the first agent's phone (baresip 1.0 hangs up after a failed transfer): it
    # refers the caller to the first transfer's address once the desk has asked for it.
    settings.HOTLINE_VOICE_SIP_PORT = port = edge.edge.sip_port
    address = f"sip:{transfer_address(1)}@127.0.0.1:{port}"
    assert api("agent2", "post", "/floor/login").status_code == 200
    colleague = Phone(api, edge, logs, audio, "agent2", scenario="phone_refuses")
    ready(api, "agent1")
    first_phone = Phone(
        api, edge, logs, audio, "agent1", "phone_refers", refer_to=address, refer_after_ms="3000"
    )
    caller = Baresip(tmp_path / "caller", f"<sip:{CALLER_NUMBER}@127.0.0.1>;regint=0")
    try:
        caller.command("dial", f"sip:repairs@127.0.0.1:{port}")
        until(lambda: Call.objects.filter(state=CallState.CONNECTED).exists(), 15)
        first = the_call()
        assert api("agent2", "post", "/floor/ready").status_code == 200
        transfer, refer_to = ask_transfer(api)
        assert refer_to == address

        until(lambda: Transfer.objects.get(pk=transfer.pk).outcome != TransferOutcome.PENDING, 15)
        colleague.answered(edge)  # it refused
        transfer.refresh_from_db()
        assert transfer.outcome == TransferOutcome.DECLINED
        call = the_call()
        assert (call.state, call.agent, call.external_id) == (
            CallState.CONNECTED,
            centre["agent1"],
            first.external_id,
        )
        assert not TransferLeg.objects.exists()
        # No place lost for saying no (A4): agent2 is ready again.
        assert AgentSession.objects.get(agent=centre["agent2"]).state == AgentState.READY

        caller.command("hangup")  # still agent1's call: its end is theirs
        first_phone.answered(edge)  # the phone took the caller's BYE
    finally:
        caller.stop()
    call = the_call()
    assert (call.state, call.agent) == (CallState.WRAP_UP, centre["agent1"])
    assert call_events(call)[3:] == ["transfer_requested", "transfer_declined", "ended"]
