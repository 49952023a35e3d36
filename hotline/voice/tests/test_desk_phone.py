"""The desk's softphone for real: JsSIP in Chromium (fake microphone) registers over the edge's
WebSocket with the credential Hotline issues; a SIPp caller from the trunk rings it through the
floor; the agent answers and hangs up with the desk's own buttons; audio flows both ways
through rtpengine (WebRTC: ICE, DTLS-SRTP on the browser's side, plain RTP on the trunk's)."""

import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from conftest import CHROMIUM, CHROMIUM_ARGS, sign_in
from hotline.calls.choices import AlertKind, CallState
from hotline.calls.models import Alert, Queue
from hotline.voice.models import PhoneState
from hotline.voice.phones import phones_offline_alert
from hotline.voice.stack import RunningEdge
from hotline.voice.tests.sipp import alaw_tone, free_media_port, free_udp_port, sipp, sipp_log
from hotline.voice.tests.test_sip_calls import (
    CALLER_NUMBER,
    call_events,
    relayed_media,
    the_call,
    until,
)

pytestmark = [pytest.mark.voice, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A fake microphone and camera, no permission prompt, and WebRTC on loopback: without the last,
# Chromium gathers no ICE candidate on 127.0.0.1 and never answers (the prototype's notes).
# The desk shows an offer on its floor event, else at its 10 s poll; a phone registers at once
# (or at its next try, 5 s on, after a refusal).
OFFER_SHOWN_MS = 15_000
REGISTERED_MS = 12_000
WEBRTC_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def webrtc_browser(playwright_driver: Any) -> Iterator[Any]:
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *WEBRTC_ARGS]
    )
    yield chromium
    chromium.close()


def open_desk(webrtc_browser: Any, live_server: Any, settings: Any, url: str):
    """A tab in Chromium with fake media, the edge's WebSocket at `url` (the desk's phone
    registers there); the page's errors and CSP refusals are collected."""
    settings.HOTLINE_VOICE_WS_URL = url
    # The TLS edge of the tests has a self-signed certificate (a centre's is a real one).
    context = webrtc_browser.new_context(base_url=live_server.url, ignore_https_errors=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return context, tab, problems


@pytest.fixture
def desk_page(
    webrtc_browser: Any, live_server: Any, edge: RunningEdge, settings: Any, in_english: Any
):
    """agent1's desk, reading English (the words asserted), its phone on ws://."""
    url = f"ws://127.0.0.1:{edge.edge.ws_port}"
    context, tab, problems = open_desk(webrtc_browser, live_server, settings, url)
    yield tab, problems
    context.close()
    print(edge.logs())  # shown when the test failed: what Kamailio and rtpengine saw


@pytest.fixture
def wss_desk_page(
    webrtc_browser: Any, live_server: Any, tls_edge: RunningEdge, settings: Any, in_english: Any
):
    """The same desk, its phone on the TLS edge's secure WebSocket (wss://)."""
    url = f"wss://127.0.0.1:{tls_edge.edge.tls_port}"
    context, tab, problems = open_desk(webrtc_browser, live_server, settings, url)
    yield tab, problems
    context.close()
    print(tls_edge.logs())


@dataclass
class Caller:
    process: subprocess.Popen[bytes]
    log: Callable[[], str]  # SIPp's and the edge's logs, for a failure's message

    def finished(self) -> None:
        assert self.process.wait(15) == 0, self.log()


def ring_and_answer(page: Any, edge: RunningEdge, tmp_path: Path, scenario: str) -> Caller:
    """agent1 on the floor with the desk's phone registered; a trunk caller (SIPp `scenario`)
    rings it through the floor and the agent answers with the desk's Answer."""
    logs = tmp_path / "sipp"
    logs.mkdir()
    # The offer rings long enough for the desk's next update (its 10 s poll at worst).
    Queue.objects.update(offer_ring_time=timedelta(seconds=40))
    sign_in(page, "agent1")
    page.goto("/floor/desk/")
    state = page.get_by_test_id("phone-state")
    expect(state).to_have_text("Phone offline: log in to the floor")

    page.click("#desk button[value=login]")
    expect(state).to_have_text("Phone ready", timeout=REGISTERED_MS)  # with its credential
    page.click("#desk button[value=ready]")
    expect(page.locator("#desk button[value=ready]")).to_be_hidden()

    port = free_udp_port()
    process = sipp(
        scenario,
        edge_port=edge.edge.sip_port,
        local_port=port,
        media_port=free_media_port(),
        service="repairs",
        logs=logs,
        keys={"audio": str(alaw_tone(tmp_path / "tone.alaw")), "caller": CALLER_NUMBER},
        timeout_s=40,
    )
    caller = Caller(process, lambda: sipp_log(logs, scenario, port) + edge.logs())
    offer = page.get_by_test_id("offer")
    expect(offer).to_be_visible(timeout=OFFER_SHOWN_MS)
    expect(state).to_have_text("Phone ringing: answer with the desk's Answer")
    expect(page.locator("#phone button[data-phone=answer]")).to_be_hidden()  # one Answer
    offer.locator("button[value=accept]").click()
    expect(state).to_have_text("On the phone")
    return caller


@pytest.fixture
def callers() -> Iterator[list[Caller]]:
    started: list[Caller] = []
    yield started
    for caller in started:
        if caller.process.poll() is None:
            caller.process.kill()
            caller.process.wait(5)


CTI_EVENTS = ["arrived", "offered", "answered", "ended"]


def ended_like_a_cti_call(
    edge: RunningEdge, centre: dict[str, Any], events: list[str] = CTI_EVENTS
) -> None:
    call = the_call()
    assert (call.state, call.agent, call.caller_number) == (
        CallState.WRAP_UP,
        centre["agent1"],
        CALLER_NUMBER,
    )
    assert call_events(call) == events  # the CTI path's
    legs = relayed_media(edge)
    assert len(legs) == 2, legs
    assert min(legs) >= 50, legs  # rtpengine relayed the caller's and the browser's audio


def test_b9_desk_softphone_registers_rings_answers_from_the_desk_and_hangs_up(
    desk_page, edge, centre, tmp_path, callers
):
    page, problems = desk_page
    caller = ring_and_answer(page, edge, tmp_path, "caller_agent_hangs_up")
    callers.append(caller)

    time.sleep(2.5)  # talk: 20 ms packets both ways
    stats = page.evaluate("window.hotlinePhone.stats()")
    assert stats["received"] >= 50, stats  # the caller's audio reached the browser
    assert stats["sent"] >= 50, stats
    assert the_call().state == CallState.CONNECTED

    page.click("#desk button[value=end]")  # the desk's End call hangs the phone up
    expect(page.get_by_test_id("phone-state")).to_have_text("Phone ready")
    caller.finished()

    ended_like_a_cti_call(edge, centre)
    assert problems == []


def test_b9_desk_softphone_mutes_holds_sends_a_digit_and_hangs_up_from_the_phone(
    desk_page, edge, centre, tmp_path, callers
):
    page, problems = desk_page
    caller = ring_and_answer(page, edge, tmp_path, "caller_held")
    callers.append(caller)
    state = page.get_by_test_id("phone-state")
    phone = page.get_by_test_id("phone")

    phone.locator("button[data-phone=mute]").click()
    expect(state).to_have_text("On the phone, muted")
    expect(phone.locator("button[data-phone=mute]")).to_have_attribute("aria-pressed", "true")
    phone.locator("button[data-phone=mute]").click()
    expect(state).to_have_text("On the phone")

    # Hold and back: re-INVITEs through rtpengine, plain RTP/AVP at the caller (its scenario
    # checks the SDP's direction and protocol).
    phone.locator("button[data-phone=hold]").click()
    expect(state).to_have_text("On hold")
    until(lambda: the_call().held_since is not None)  # the edge told Hotline (live states)
    phone.locator("button[data-phone=hold]").click()
    expect(state).to_have_text("On the phone")
    until(lambda: the_call().held_since is None)

    phone.locator("button[data-digit='5']").click()  # INFO Signal=5, checked by the caller
    time.sleep(1.5)
    stats = page.evaluate("window.hotlinePhone.stats()")
    assert stats["received"] >= 50, stats
    assert stats["sent"] >= 50, stats

    phone.locator("button[data-phone=hangup]").click()
    expect(state).to_have_text("Phone ready")
    caller.finished()

    ended_like_a_cti_call(
        edge, centre, ["arrived", "offered", "answered", "held", "resumed", "ended"]
    )
    assert problems == []


def phone_registered(agent: Any, registered: bool) -> bool:
    """What the desk last told Hotline; the live server may be writing it right now (SQLite's
    shared in-memory database then says the table is locked: not yet)."""
    try:
        return PhoneState.objects.filter(agent=agent, registered=registered).exists()
    except OperationalError:
        return False


def test_desk_softphone_offline_when_the_edge_goes_tells_hotline_and_the_lead_is_alerted(
    desk_page, edge, centre, clock, settings
):
    """Kamailio stops: the WebSocket drops, the desk shows the phone offline and says so to
    Hotline; the lead is alerted after the setting's time; back, the phone registers again
    (a new REGISTER: registrations lived in Kamailio's memory) and the alert is cleared."""
    settings.HOTLINE_VOICE_PHONE_OFFLINE_SECONDS = 30
    page, problems = desk_page
    agent = centre["agent1"]
    sign_in(page, "agent1")
    page.goto("/floor/desk/")
    state = page.get_by_test_id("phone-state")
    page.click("#desk button[value=login]")
    expect(state).to_have_text("Phone ready", timeout=REGISTERED_MS)
    page.click("#desk button[value=ready]")
    expect(page.locator("#desk button[value=ready]")).to_be_hidden()
    until(lambda: phone_registered(agent, True))

    edge.stop_kamailio()
    expect(state).to_have_text("Phone offline")  # the WebSocket dropped
    until(lambda: phone_registered(agent, False))
    assert phones_offline_alert(clock.advance(seconds=30)) == 1
    alert = Alert.objects.get(kind=AlertKind.PHONE_OFFLINE)
    assert (alert.agent, alert.team) == (agent, centre["lead"].team)

    edge.start_kamailio()
    expect(state).to_have_text("Phone ready", timeout=REGISTERED_MS)  # its next try
    until(lambda: phone_registered(agent, True))
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert problems == []


def test_b9_desk_softphone_over_tls_registers_with_wss_and_answers(
    wss_desk_page, tls_edge, centre, tmp_path, callers
):
    """Pages served over https may only open wss://: the edge's TLS port takes it."""
    page, problems = wss_desk_page
    caller = ring_and_answer(page, tls_edge, tmp_path, "caller_agent_hangs_up")
    callers.append(caller)
    time.sleep(2.5)
    stats = page.evaluate("window.hotlinePhone.stats()")
    assert stats["received"] >= 50, stats
    assert stats["sent"] >= 50, stats
    page.click("#desk button[value=end]")
    expect(page.get_by_test_id("phone-state")).to_have_text("Phone ready")
    caller.finished()
    ended_like_a_cti_call(tls_edge, centre)
    assert " registered over wss" in tls_edge.kamailio_log.read_text()
    assert problems == []
