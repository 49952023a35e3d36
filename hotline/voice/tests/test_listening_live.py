"""Listening live for real: a SIPp caller talks to agent1's SIPp phone through the edge; their
team lead, on the wallboard in Chromium, listens to both sides through rtpengine (WebRTC),
stops, listens again until the call ends; neither side notices, the event log says who
listened."""

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import screenshot, sign_in
from hotline.audit.models import Event
from hotline.calls.choices import CallState
from hotline.calls.models import Call
from hotline.calls.tests.floor_http import ready
from hotline.voice.tests.test_desk_phone import (  # noqa: F401 (a fixture)
    open_desk,
    webrtc_browser,
)
from hotline.voice.tests.test_sip_calls import Phone, call_in, finished, relayed_media, until

pytestmark = [pytest.mark.voice, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wallboard(webrtc_browser, live_server, edge, settings, in_english):  # noqa: F811
    settings.HOTLINE_VOICE_RTPENGINE_PORT = edge.edge.rtpengine_port
    url = f"ws://127.0.0.1:{edge.edge.ws_port}"  # the edge in use: the wallboard offers Listen
    context, tab, problems = open_desk(webrtc_browser, live_server, settings, url)
    yield tab, problems
    context.close()
    print(edge.logs())


def listened_packets(page: Any) -> list[int]:
    return list(page.evaluate("window.hotlineListen.stats()"))


def test_b11_lead_listens_live_to_both_sides_of_a_sip_call_unnoticed_and_audited(
    api, edge, logs, audio, centre, wallboard
):
    page, problems = wallboard
    ready(api, "agent1")
    phone = Phone(api, edge, logs, audio, "agent1")
    caller, port = call_in(edge, logs, audio, talk_ms="12000")
    until(lambda: Call.objects.filter(state=CallState.CONNECTED).exists(), 10)
    call = Call.objects.get()

    sign_in(page, "lead")
    page.goto("/floor/wallboard/")
    listen = page.locator(f"button[data-listen-call='{call.pk}']")
    listen.click()
    state = page.get_by_test_id("listen-state")
    expect(state).to_have_text("Listening live: the caller and the agent do not hear you")
    expect(page.get_by_test_id("listen-detail")).to_have_text(str(centre["agent1"]))
    time.sleep(2)
    sides = listened_packets(page)
    assert len(sides) == 2, sides  # the caller's side and the agent's
    assert min(sides) >= 25, sides  # half a second of 20 ms packets each, at least

    screenshot(page, "wallboard-listening")
    page.get_by_test_id("listen-stop").click()
    expect(state).to_have_text("Listening ended")

    # Again, until the caller hangs up: listening ends with the call, by itself.
    listen.click()
    expect(state).to_have_text("Listening live: the caller and the agent do not hear you")
    finished(caller, logs, "caller", port, edge)  # the call went on: the caller noticed nothing
    phone.answered(edge)
    expect(state).to_have_text("Listening ended")
    expect(page.locator("button[data-listen-call]")).to_have_count(0)

    until(lambda: listened().count() == 4, 5)
    actions = [(e.action, e.actor_id, e.entity_id) for e in listened()]
    assert actions[:3] == [
        ("started", centre["lead"].pk, str(call.pk)),
        ("stopped", centre["lead"].pk, str(call.pk)),
        ("started", centre["lead"].pk, str(call.pk)),
    ]
    # The second ended with the call: the page said stop, or the call's end let it go first.
    assert actions[3] in {
        ("stopped", centre["lead"].pk, str(call.pk)),
        ("ended", None, str(call.pk)),
    }
    # rtpengine freed the whole call (and so closed its recording): its summary, the caller's
    # and the phone's legs first, then the listener's parties.
    legs = relayed_media(edge)
    assert min(legs[:2]) >= 200, legs
    assert edge.rtpengine.poll() is None, edge.logs()  # the media relay took it in its stride
    assert problems == []


def listened() -> Any:
    return Event.objects.filter(entity="voice.listening").order_by("pk")
