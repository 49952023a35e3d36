"""A real call through the SIP edge is recorded: rtpengine's pcap, made into a WAV by the
worker's task after the end, heard by the team lead and nobody outside the call's team, deleted
when B11's retention runs out."""

import os
import time
import wave
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from hotline.audit.models import Event
from hotline.calls.tests.floor_http import ready
from hotline.taskrunner import run_batch
from hotline.voice.events import RecordingAction, VoiceEntity
from hotline.voice.models import Recording
from hotline.voice.ng import ng_calls, ng_command
from hotline.voice.recordings import (
    recording_file,
    recordings_expire,
    sip_external_id,
    spooled_call,
)
from hotline.voice.stack import running_edge
from hotline.voice.tests.sipp import free_tcp_port, unserved_edge
from hotline.voice.tests.test_sip_calls import Phone, call_in, finished, the_call

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def made_by_the_worker(seconds: float = 15) -> Recording:
    """What `hotline worker` does with the queued task: run it (again) until it is done."""
    deadline = time.monotonic() + seconds
    while not Recording.objects.exists():
        assert time.monotonic() < deadline, "no recording made"
        run_batch()
        time.sleep(0.1)
    return Recording.objects.select_related("call").get()


def plays() -> int:
    return Event.objects.filter(entity=VoiceEntity.RECORDING, action=RecordingAction.PLAYED).count()


def test_b11_an_answered_sip_call_is_recorded_heard_by_its_lead_and_deleted_after_retention(
    api, edge, logs, audio, centre, clock, recordings
):
    ready(api, "agent1")
    phone = Phone(api, edge, logs, audio, "agent1")
    caller, port = call_in(edge, logs, audio, talk_ms="3000")
    finished(caller, logs, "caller", port, edge)
    phone.answered(edge)

    recording = made_by_the_worker()
    assert recording.call == the_call()
    # About the 3 s of talk (both sides stream from the answer to the BYE).
    assert timedelta(seconds=2.5) <= recording.duration <= timedelta(seconds=4.5), recording
    path = recording_file(recording)
    assert path.is_relative_to(recordings / "recordings")
    with wave.open(str(path)) as heard:
        assert (heard.getnchannels(), heard.getframerate()) == (2, 8000)
        assert heard.getnframes() / 8000 == pytest.approx(recording.duration.total_seconds())
        frames = heard.readframes(heard.getnframes())
    assert recording.size == path.stat().st_size
    assert any(frames[i] for i in range(0, len(frames), 997))  # the tone, not silence
    assert not list((recordings / "spool" / "pcaps").iterdir())  # the pcap is gone

    url = reverse("voice:recording_audio", args=[recording.call_id])
    for who in ("agent5", "provider1", "customer1"):
        outsider = Client()
        outsider.force_login(centre[who])
        assert outsider.get(url).status_code == 404, who
    assert plays() == 0
    lead = Client()
    lead.force_login(centre["lead"])
    heard_by_lead = lead.get(url)
    assert (heard_by_lead.status_code, heard_by_lead["Content-Type"]) == (200, "audio/wav")
    assert heard_by_lead.getvalue() == path.read_bytes()
    assert plays() == 1

    assert recordings_expire(clock.advance(days=89)) == 0
    assert recordings_expire(clock.advance(days=1)) == 1
    assert not Recording.objects.exists()
    assert not path.exists()


def _sdp(port: int) -> str:
    return (
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n"
    )


def test_the_edge_stops_cleanly_with_a_recorded_call_still_open(recordings, tmp_path, clock):
    """rtpengine 10.5 dumps core when stopped with a recorded call open (a centre stopping its
    edge mid-call): the edge deletes its open calls first, so it exits cleanly and the call's
    recording is closed, ready to be made into audio."""
    edge = unserved_edge(
        tmp_path / "edge",
        f"http://127.0.0.1:{free_tcp_port()}",  # nothing there: not asked
        recording_spool=recordings / "spool",
    )
    call_id = "still-open@127.0.0.1"
    with running_edge(edge, token="unused", now=clock()) as running:
        port = edge.rtpengine_port
        ng_command(port, "offer", call_id=call_id, from_tag="caller", sdp=_sdp(40000))
        ng_command(
            port, "answer", call_id=call_id, from_tag="caller", to_tag="phone", sdp=_sdp(40002)
        )
        ng_command(port, "start recording", call_id=call_id)
        assert ng_calls(port) == [call_id]
        # A session of its own: a Ctrl-C at `hotline voice run` (SIGINT to the terminal's
        # process group) does not reach it before its calls are deleted.
        assert os.getsid(running.rtpengine.pid) == running.rtpengine.pid
        spooled = spooled_call(recordings / "spool", sip_external_id(call_id))
        assert spooled is None or not spooled.finished  # open: rtpengine writes on
    assert running.rtpengine.returncode == 0, running.logs()  # TERM, not SIGSEGV (-11)
    spooled = spooled_call(recordings / "spool", sip_external_id(call_id))
    assert spooled is not None, running.logs()
    assert spooled.finished, running.logs()  # "call end time": closed by the delete
    assert spooled.pcap.exists()
