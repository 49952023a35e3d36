"""A4 from the desks for real: two agents' desks in Chromium (fake microphones), each with its
softphone; a caller (baresip at the trunk's address) talks with agent1, who asks at the desk to
transfer the call to agent2. agent1's phone refers the caller by itself; agent2's phone rings
with the transfer the desk shows, and the desk's Take the call answers it: the call and its
audio are agent2's, agent1's phone is free. Declined at the desk, the caller stays with agent1."""

import time
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import sign_in
from hotline.calls.choices import CallState, TransferOutcome
from hotline.calls.models import Call, Queue, Transfer
from hotline.voice.stack import RunningEdge
from hotline.voice.tests.baresip import Baresip
from hotline.voice.tests.test_desk_phone import (  # noqa: F401 (a fixture)
    REGISTERED_MS,
    open_desk,
    webrtc_browser,
)
from hotline.voice.tests.test_sip_calls import CALLER_NUMBER, call_events, the_call, until

pytestmark = [pytest.mark.voice, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN_MS = 15_000  # a desk shows what rings on its floor event, else at its 10 s poll


@pytest.fixture
def desks(webrtc_browser, live_server, edge: RunningEdge, settings, in_english):  # noqa: F811
    """agent1's and agent2's desks, each in its own browser context, phones on ws://."""
    settings.HOTLINE_VOICE_SIP_PORT = edge.edge.sip_port  # where the trunk calls again
    url = f"ws://127.0.0.1:{edge.edge.ws_port}"
    opened = [open_desk(webrtc_browser, live_server, settings, url) for _ in range(2)]
    yield [(tab, problems) for _, tab, problems in opened]
    for context, _, _ in opened:
        context.close()
    print(edge.logs())  # shown when the test failed


@pytest.fixture
def caller(edge: RunningEdge, tmp_path):
    phone = Baresip(tmp_path / "caller", f"<sip:{CALLER_NUMBER}@127.0.0.1>;regint=0")
    yield phone
    phone.stop()


def on_the_floor(page: Any, username: str, *, ready: bool) -> Any:
    sign_in(page, username)
    page.goto("/floor/desk/")
    page.click("#desk button[value=login]")
    state = page.get_by_test_id("phone-state")
    expect(state).to_have_text("Phone ready", timeout=REGISTERED_MS)
    if ready:
        page.click("#desk button[value=ready]")
        expect(page.locator("#desk button[value=ready]")).to_be_hidden()
    return state


def talking_with_agent1(desks, edge: RunningEdge, caller: Baresip):
    """agent2 on the floor (not ready yet), agent1 ready answers the caller at the desk."""
    Queue.objects.update(offer_ring_time=timedelta(seconds=40))
    (first, _), (second, _) = desks
    second_state = on_the_floor(second, "agent2", ready=False)
    first_state = on_the_floor(first, "agent1", ready=True)
    caller.command("dial", f"sip:repairs@127.0.0.1:{edge.edge.sip_port}")
    offer = first.get_by_test_id("offer")
    expect(offer).to_be_visible(timeout=SHOWN_MS)
    offer.locator("button[value=accept]").click()
    expect(first_state).to_have_text("On the phone")
    second.click("#desk button[value=ready]")
    expect(second.locator("#desk button[value=ready]")).to_be_hidden()
    return first, first_state, second, second_state


def colleague_rings(first: Any, second: Any, second_state: Any) -> Any:
    """agent1 asks at the desk to transfer the call to agent2: agent1's phone refers the
    caller, agent2's phone rings and their desk shows the transfer (its card, returned)."""
    form = first.locator("#desk form:has(button[value=transfer])")
    form.locator("select[name=to_agent]").select_option(label="Maria Ivanova")
    form.locator("input[name=reason]").fill("a boiler question")
    form.locator("button[value=transfer]").click()
    expect(first.get_by_text("Waiting for your colleague to accept the transfer…")).to_be_visible()
    card = second.get_by_test_id("transfer")
    expect(card).to_be_visible(timeout=SHOWN_MS)
    expect(second_state).to_have_text("Phone ringing: answer with the desk's Answer")
    return card


def test_a4_desk_transfer_taken_on_the_colleagues_desk_moves_the_call_and_its_audio(
    desks, edge, caller, centre
):
    first, first_state, second, second_state = talking_with_agent1(desks, edge, caller)
    first_call = the_call()

    card = colleague_rings(first, second, second_state)
    expect(second.locator("#phone button[data-phone=answer]")).to_be_hidden()  # the desk's
    expect(second.locator("#phone [data-phone=keypad]")).to_be_hidden()  # tones in a call only
    card.locator("button[value=transfer_accept]").click()

    expect(second_state).to_have_text("On the phone")
    expect(second.locator("#phone [data-phone=keypad]")).to_be_visible()
    expect(first_state).to_have_text("Phone ready", timeout=10_000)  # it let go of its dialog
    expect(first.locator("#phone [data-phone=keypad]")).to_be_hidden()
    until(lambda: the_call().agent_id == centre["agent2"].pk)
    call = the_call()
    assert call.state == CallState.CONNECTED
    assert call.external_id != first_call.external_id
    assert Transfer.objects.get().outcome == TransferOutcome.ACCEPTED
    time.sleep(2)  # talk: 20 ms packets both ways
    stats = second.evaluate("window.hotlinePhone.stats()")
    assert stats["received"] >= 50, stats  # the caller's audio reached agent2's browser
    assert stats["sent"] >= 50, stats

    second.click("#desk button[value=end]")  # agent2 ends the call it took
    expect(second_state).to_have_text("Phone ready")
    until(lambda: the_call().state == CallState.WRAP_UP)
    assert call_events(the_call())[3:] == ["transfer_requested", "transferred", "ended"]
    assert [problems for _, problems in desks] == [[], []]


def test_a4_desk_transfer_declined_on_the_colleagues_desk_leaves_the_caller_with_agent1(
    desks, edge, caller, centre
):
    first, first_state, second, second_state = talking_with_agent1(desks, edge, caller)
    first_call = the_call()

    card = colleague_rings(first, second, second_state)
    card.locator("button[value=transfer_decline]").click()  # the phone refuses it: 603

    expect(second_state).to_have_text("Phone ready")
    until(lambda: Transfer.objects.get().outcome == TransferOutcome.DECLINED)
    expect(first_state).to_have_text("Not transferred: the call stays with you.")
    assert Call.objects.get(pk=first_call.pk).agent_id == centre["agent1"].pk
    time.sleep(1)
    stats = first.evaluate("window.hotlinePhone.stats()")
    assert stats["received"] >= 50, stats  # still talking with the caller

    first.click("#desk button[value=end]")
    expect(first_state).to_have_text("Phone ready")
    until(lambda: the_call().state == CallState.WRAP_UP)
    call = the_call()
    assert (call.agent, call.external_id) == (centre["agent1"], first_call.external_id)
    assert call_events(call)[3:] == ["transfer_requested", "transfer_declined", "ended"]
    assert [problems for _, problems in desks] == [[], []]
