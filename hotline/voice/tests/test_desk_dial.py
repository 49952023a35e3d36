"""The desk's Call button for real (B8): JsSIP in Chromium (fake microphone) dials the callback
ringing on the desk through the edge's trunk to a SIPp carrier; audio flows both ways through
rtpengine (ICE, DTLS-SRTP on the browser's side, plain RTP to the trunk); the desk's End call
hangs up and the callback's call ends, for the agent to record how it went."""

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import sign_in
from hotline.audit.models import Event
from hotline.calls.choices import CallbackState, CallState
from hotline.calls.models import Call
from hotline.calls.tests.floor_http import callback_ringing
from hotline.voice.stack import RunningEdge
from hotline.voice.tests.sipp import media_legs
from hotline.voice.tests.test_desk_phone import (  # noqa: F401 (a fixture)
    REGISTERED_MS,
    open_desk,
    webrtc_browser,
)
from hotline.voice.tests.test_sip_calls import until
from hotline.voice.tests.test_sip_outbound import (  # noqa: F401
    NUMBER,
    Carrier,
    carrier,
    carrier_scenario,
    outbound_edge,
)

pytestmark = [pytest.mark.voice, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN_MS = 15_000  # the desk shows the offer on its floor event, else at its 10 s poll


@pytest.fixture
def dial_page(
    webrtc_browser: Any,  # noqa: F811
    live_server: Any,
    outbound_edge: RunningEdge,  # noqa: F811
    settings: Any,
    in_english: Any,
):
    settings.HOTLINE_VOICE_TRUNK_URI = outbound_edge.edge.trunk_uri
    url = f"ws://127.0.0.1:{outbound_edge.edge.ws_port}"
    context, tab, problems = open_desk(webrtc_browser, live_server, settings, url)
    yield tab, problems
    context.close()
    print(outbound_edge.logs())  # shown when the test failed


def test_b8_desk_call_button_dials_the_callback_through_the_trunk_and_end_call_hangs_up(
    dial_page,
    outbound_edge,  # noqa: F811
    carrier: Carrier,  # noqa: F811
    api,
    centre,
    clock,
):
    page, problems = dial_page
    sign_in(page, "agent1")
    page.goto("/floor/desk/")
    state = page.get_by_test_id("phone-state")
    page.click("#desk button[value=login]")
    expect(state).to_have_text("Phone ready", timeout=REGISTERED_MS)
    page.click("#desk button[value=ready]")
    expect(page.locator("#desk button[value=ready]")).to_be_hidden()

    callback = callback_ringing(api, clock)  # due: it rings on agent1's desk
    offer = page.get_by_test_id("offer")
    expect(offer).to_be_visible(timeout=SHOWN_MS)
    offer.get_by_test_id("dial").click()  # "Call +359 88 1000000"

    expect(state).to_have_text("On the phone", timeout=10_000)  # the carrier answered
    callback.refresh_from_db()
    assert (callback.state, callback.agent, callback.attempts) == (
        CallbackState.IN_PROGRESS,
        centre["agent1"],
        1,
    )
    assert f"INVITE sip:{NUMBER}@" in carrier.messages()
    time.sleep(2.5)  # talk: 20 ms packets both ways
    stats = page.evaluate("window.hotlinePhone.stats()")
    assert stats["received"] >= 50, stats  # the carrier's audio reached the browser
    assert stats["sent"] >= 50, stats

    page.click("#desk button[value=end]")  # the desk's End call hangs the phone up
    expect(state).to_have_text("Phone ready")
    assert carrier.process.wait(10) == 0, carrier.log() + outbound_edge.logs()
    call = Call.objects.get(callback=callback)
    until(lambda: Call.objects.get(pk=call.pk).state == CallState.WRAP_UP)
    until(lambda: media_legs(outbound_edge.rtpengine_log.read_text(errors="replace")), 5)
    legs = media_legs(outbound_edge.rtpengine_log.read_text(errors="replace"))
    assert len(legs) == 2, legs
    assert min(legs) >= 50, legs
    assert problems == []


def test_b8_desk_phone_shows_the_edges_refusal_of_a_number_not_the_agents_to_dial(
    dial_page,
    outbound_edge,  # noqa: F811
    carrier: Carrier,  # noqa: F811
    centre,
):
    """A desk opened to dial a number (a follow-up page's link) that is no callback or
    follow-up call of this agent's: the edge refuses it, the phone says why, nothing rings."""
    page, problems = dial_page
    sign_in(page, "agent1")
    page.goto("/floor/desk/?dial=%2B359881000001")
    state = page.get_by_test_id("phone-state")
    page.click("#desk button[value=login]")
    expect(state).to_have_text("Phone ready", timeout=REGISTERED_MS)

    page.get_by_test_id("phone").get_by_test_id("dial").click()
    expect(state).to_have_text(
        "Not dialled: +359881000001 is not a callback or follow-up call of yours to dial now."
    )
    assert "INVITE" not in carrier.messages()
    assert not Event.objects.filter(entity="voice.outbound").exists()
    assert problems == []
