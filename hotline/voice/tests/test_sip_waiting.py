"""Waiting callers on the SIP edge: the welcome and hold music as early media, A2's callback
offer announced at the maximum wait and accepted by DTMF 1 (README, Voice (SIP)). The caller's
media is the test's own socket (RtpCaller): it counts what the caller hears and presses keys."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hotline.calls.choices import CallState
from hotline.calls.models import Callback, Queue
from hotline.voice.prompts import duration_ms, generate_prompts
from hotline.voice.stack import RunningEdge
from hotline.voice.tests.rtp_caller import RtpCaller
from hotline.voice.tests.sipp import sipp_log, sipp_started
from hotline.voice.tests.test_sip_calls import (
    CALLER_NUMBER,
    WHILE_WAITING,
    Phone,
    a_phone_refuses_and_the_next_answers,
    call_events,
    finished,
    the_call,
    until,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spoken(prompts: Path) -> Path:
    """The prompts in English (the centre's language), as `hotline voice prompts` makes them."""
    generate_prompts(prompts, languages=["en"], longest_wait=2)
    return prompts


@pytest.fixture
def media() -> Iterator[RtpCaller]:
    caller = RtpCaller()
    yield caller
    caller.stop()


def waiting_caller(
    edge: RunningEdge, logs: Path, media: RtpCaller, scenario: str, **keys: str
) -> tuple[subprocess.Popen[bytes], int]:
    """A caller whose media is the test's socket (`media`): the process, its SIP port."""
    return sipp_started(
        scenario,
        edge_port=edge.edge.sip_port,
        service="repairs",
        logs=logs,
        keys={"caller": CALLER_NUMBER, "rtp_port": str(media.port), **keys},
        timeout_s=40,
    )


def kamailio_said(edge: RunningEdge, text: str) -> bool:
    return text in edge.kamailio_log.read_text(errors="replace")


def test_a2_sip_waiting_caller_hears_the_welcome_then_hold_music_as_early_media(
    api: Any, edge: RunningEdge, logs: Path, media: RtpCaller, spoken: Path
) -> None:
    caller, port = waiting_caller(edge, logs, media, "caller_waits")
    until(lambda: media.packets() >= 50, 10)  # a second of the welcome, before any answer
    assert the_call().state == CallState.WAITING
    assert media.loudness() > 300, media.loudness()  # speech, not silence
    assert kamailio_said(edge, "announce welcome")
    # The welcome is about 8 s long; the hold music follows it, and the caller keeps hearing.
    until(lambda: kamailio_said(edge, "hold music for"), 15)
    heard = media.packets()
    assert heard >= 0.9 * duration_ms(spoken / "en" / "welcome.wav") / 20  # all of it first
    until(lambda: media.packets() >= heard + 50, 5)
    assert media.loudness(since=heard) > 300
    assert caller.poll() is None, sipp_log(logs, "caller_waits", port)  # still waiting
    caller.terminate()
    caller.wait(5)


def test_a2_sip_callback_offer_at_the_maximum_wait_accepted_by_dtmf_1_releases_the_caller(
    api: Any, edge: RunningEdge, logs: Path, media: RtpCaller, spoken: Path, clock: Any
) -> None:
    caller, port = waiting_caller(edge, logs, media, "caller_waits")
    until(lambda: media.packets() >= 10, 10)
    media.press("1")  # before the offer: nothing happens
    time.sleep(1)
    assert the_call().state == CallState.WAITING

    # Nobody serves the queue: the expected wait passes A2's maximum, the floor offers a
    # callback on its next tick, and the edge announces it with the wait.
    clock.tick()
    assert the_call().callback_offered_at is not None
    until(lambda: kamailio_said(edge, "announce callback_offer"), 5)
    media.press("1")
    # Read once the live server's transaction is over (the call, then its callback).
    until(lambda: Callback.objects.filter(origin_call=the_call()).exists(), 10)
    assert the_call().state == CallState.CALLBACK
    made = Callback.objects.get(origin_call=the_call())
    assert made.number == CALLER_NUMBER
    # The edge says so ("we will call you back") and lets the caller go (480).
    until(lambda: kamailio_said(edge, "announce callback_made"), 5)
    finished(caller, logs, "caller_waits", port, edge)
    call = the_call()
    assert call_events(call) == ["arrived", "callback_offered", "turned_into_callback"]
    state = api("pbx", "get", f"/cti/calls/{call.external_id}")
    assert state.status_code == 200, state.content
    assert state.json()["state"] == "callback"


def test_a2_sip_caller_who_does_not_press_1_keeps_waiting(
    api: Any, edge: RunningEdge, logs: Path, media: RtpCaller, spoken: Path, clock: Any
) -> None:
    caller, port = waiting_caller(
        edge, logs, media, "caller_waits_hangs_up", wait_ms="6000", **WHILE_WAITING
    )
    until(lambda: media.packets() >= 10, 10)
    clock.tick()
    until(lambda: kamailio_said(edge, "announce callback_offer"), 5)
    media.press("2")  # not the key that accepts
    time.sleep(1)
    assert the_call().state == CallState.WAITING
    assert caller.poll() is None  # still on the line, hearing the offer then the music
    finished(caller, logs, "caller_waits_hangs_up", port, edge)  # until they hang up
    call = the_call()
    assert call.state == CallState.ABANDONED
    assert not Callback.objects.exists()
    assert call_events(call) == ["arrived", "callback_offered", "abandoned"]


def test_b9_sip_prompts_stop_when_the_agents_phone_answers(
    api: Any, edge: RunningEdge, logs: Path, media: RtpCaller, spoken: Path, audio: Path
) -> None:
    assert api("agent1", "post", "/floor/login").status_code == 200  # not ready yet
    phone = Phone(api, edge, logs, audio, "agent1")
    caller, port = waiting_caller(edge, logs, media, "caller_early", talk_ms="1500")
    until(lambda: media.packets() >= 50, 10)
    assert media.loudness() > 300  # the welcome

    assert api("agent1", "post", "/floor/ready").status_code == 200
    finished(caller, logs, "caller_early", port, edge)
    phone.answered(edge)
    call = the_call()
    assert call.state == CallState.WRAP_UP
    assert call_events(call) == ["arrived", "offered", "answered", "ended"]
    assert kamailio_said(edge, "prompts stop for")


def test_b9_sip_caller_keeps_hearing_hold_music_after_a_phone_refuses_and_the_next_answers(
    api: Any, edge: RunningEdge, logs: Path, media: RtpCaller, spoken: Path, audio: Path, centre
) -> None:
    # The caller hears ringing first (an agent is ready): no early media yet...
    scenario = "caller_early_or_ringing"

    def caller() -> tuple[subprocess.Popen[bytes], int]:
        return waiting_caller(edge, logs, media, scenario, talk_ms="1500")

    def then_the_prompts() -> None:  # ...then waits: the welcome and the hold music
        until(lambda: media.packets() >= 50, 10)
        assert media.loudness() > 300

    a_phone_refuses_and_the_next_answers(
        api, edge, logs, audio, centre, caller, scenario, while_waiting=then_the_prompts
    )


def test_a2_sip_caller_past_the_maximum_wait_overflows_hears_the_notice_and_keeps_waiting(
    api: Any, edge: RunningEdge, logs: Path, media: RtpCaller, spoken: Path, clock: Any
) -> None:
    queue = Queue.objects.get(code="repairs")
    queue.overflow_to = Queue.objects.exclude(pk=queue.pk).first()
    queue.save()
    caller, port = waiting_caller(
        edge, logs, media, "caller_waits_hangs_up", wait_ms="7000", **WHILE_WAITING
    )
    until(lambda: media.packets() >= 10, 10)
    clock.tick()  # A2's offer first...
    until(lambda: kamailio_said(edge, "announce callback_offer"), 5)
    clock.advance(hours=1)
    clock.tick()  # ...then past the maximum wait: to the overflow queue
    assert the_call().queue_id == queue.overflow_to_id
    until(lambda: kamailio_said(edge, "announce overflow"), 5)
    heard = media.packets()
    until(lambda: media.packets() >= heard + 50, 5)
    assert media.loudness(since=heard) > 300  # the notice
    assert the_call().state == CallState.WAITING
    finished(caller, logs, "caller_waits_hangs_up", port, edge)
    assert call_events(the_call()) == ["arrived", "callback_offered", "overflowed", "abandoned"]
