"""Listening live through the API (no SIP edge needed for these): who may, what is refused,
and that a refusal writes nothing. The whole thing for real: test_listening_live.py."""

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signing

from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.calls.models import Call
from hotline.calls.tests.floor_http import answer, arrive, ready
from hotline.testing.people import installations_lead
from hotline.voice.listen_api import TICKET_MAX
from hotline.voice.listening import _SALT
from hotline.voice.ng import bdecode, bencode
from hotline.voice.recordings import sip_external_id
from hotline.voice.tests.sipp import free_udp_port

pytestmark = pytest.mark.django_db

SIP_ID = sip_external_id("1-2345@127.0.0.1")


@pytest.fixture
def talking(api, centre) -> Call:
    """agent1 (Repairs, led by `lead`) talks to a caller who came through the SIP edge."""
    ready(api, "agent1")
    arrive(api, SIP_ID)
    answer(api, "agent1")
    return Call.objects.get(external_id=SIP_ID)


def listened() -> int:
    return Event.objects.filter(entity="voice.listening").count()


@pytest.mark.parametrize("who", ["agent1", "agent2", "dispatcher", "provider1", "customer1", "pbx"])
def test_b11_listening_live_refuses_the_wrong_roles(api, talking, who):
    response = api(who, "post", "/voice/listen", {"call_id": talking.pk})
    assert response.status_code == 403, response.content
    assert listened() == 0


def test_b11_another_teams_lead_finds_no_call_to_listen_to(api, talking):
    other = installations_lead()
    response = api(other.username, "post", "/voice/listen", {"call_id": talking.pk})
    assert response.status_code == 404, response.content
    assert "1-2345" not in response.content.decode()
    assert listened() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/voice/listen", {}),
        ("/voice/listen", {"call_id": 0}),
        ("/voice/listen", {"call_id": "one"}),
        ("/voice/listen", {"call_id": 2**31}),
        ("/voice/listen/answer", {"ticket": "t", "side": 2, "sdp": "v=0"}),
        ("/voice/listen/answer", {"ticket": "t", "side": 0, "sdp": ""}),
        ("/voice/listen/answer", {"ticket": "t", "side": 0, "sdp": "v" * 16_001}),
        ("/voice/listen/answer", {"ticket": "t" * 401, "side": 0, "sdp": "v=0"}),
        ("/voice/listen/stop", {"ticket": ""}),
    ],
)
def test_b11_listening_bad_input_is_refused_and_writes_nothing(api, talking, path, body):
    response = api("lead", "post", path, body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert listened() == 0


def test_b11_a_call_not_in_progress_cannot_be_listened_to(api, centre):
    arrive(api, SIP_ID)  # waiting: nobody is on it yet
    call = Call.objects.get()
    response = api("lead", "post", "/voice/listen", {"call_id": call.pk})
    assert response.status_code == 409, response.content
    assert response.json()["state"] == "waiting"
    assert listened() == 0


def test_b11_a_call_from_the_cti_path_has_no_audio_to_listen_to(api, centre):
    ready(api, "agent1")
    arrive(api, "pbx-77")
    answer(api, "agent1")
    response = api("lead", "post", "/voice/listen", {"call_id": Call.objects.get().pk})
    assert response.status_code == 409, response.content
    assert response.json()["detail"]  # in the lead's language
    assert response.json()["state"] == "connected"
    assert listened() == 0


def test_b11_listening_with_the_media_relay_down_says_so(api, talking, settings):
    settings.HOTLINE_VOICE_RTPENGINE_PORT = free_udp_port()  # nothing listens there
    response = api("manager", "post", "/voice/listen", {"call_id": talking.pk})
    assert response.status_code == 503, response.content
    assert response.json()["detail"]  # in the manager's language
    assert listened() == 0


def test_b11_a_listening_ticket_is_its_holders_only(api, talking, centre):
    """A lead cannot answer or stop with the manager's ticket (or a forged one): 404, nothing."""
    manager_ticket = signing.dumps(
        {"call": talking.pk, "by": centre["manager"].pk, "tag": "t", "sides": 2},
        salt=_SALT,
    )
    for ticket in (manager_ticket, manager_ticket[:-2] + "xx"):
        stopped = api("lead", "post", "/voice/listen/stop", {"ticket": ticket})
        answered = api(
            "lead", "post", "/voice/listen/answer", {"ticket": ticket, "side": 0, "sdp": "v=0"}
        )
        assert (stopped.status_code, answered.status_code) == (404, 404)
    assert listened() == 0


def test_b11_the_wallboard_offers_listening_to_calls_in_progress_with_the_edge(
    client, talking, settings, centre
):
    client.force_login(centre["lead"])
    assert b"data-listen-call" not in client.get("/floor/wallboard/").content  # no edge
    settings.HOTLINE_VOICE_WS_URL = "ws://127.0.0.1:8088"
    page = client.get("/floor/wallboard/").content.decode()
    assert f'data-listen-call="{talking.pk}"' in page
    assert 'id="listen"' in page
    assert "listen.js" in page


def test_b11_a_call_that_ends_lets_go_whoever_still_listens(
    api, talking, centre, settings, now, django_capture_on_commit_callbacks
):
    """A lead who closed the page never said stop: the call's end lets them go (an event), not
    one who did stop; rtpengine being gone by then changes nothing."""
    settings.HOTLINE_VOICE_RTPENGINE_PORT = free_udp_port()
    for tag in ("listen-a", "listen-b"):
        event_append(
            actor=centre["lead"],
            now=now,
            entity="voice.listening",
            entity_id=talking.pk,
            action="started",
            new={"agent": centre["agent1"].pk, "sip": "1-2345@127.0.0.1", "tag": tag, "sides": 2},
        )
    event_append(
        actor=centre["lead"],
        now=now,
        entity="voice.listening",
        entity_id=talking.pk,
        action="stopped",
        new={"tag": "listen-b"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        ended = api("pbx", "post", f"/cti/calls/{SIP_ID}/ended", {})
    assert ended.status_code == 200, ended.content
    let_go = Event.objects.filter(entity="voice.listening", action="ended")
    assert [(e.actor_id, e.new) for e in let_go] == [(None, {"tag": "listen-a"})]


# SIP bounds a Call-ID's length not at all; phones and PBXs send a few hundred characters.
LONG_SIP_CALL_ID = "x" * 230 + "@pbx.example.org"


class ScriptedRtpengine:
    """rtpengine's control port (ng) answering as it does for a call with two sides, recording
    what Hotline asked: no edge needed to follow the ticket from start to answer and stop."""

    def __init__(self, sip_call_id: str) -> None:
        self.sip_call_id = sip_call_id
        self.asked: list[dict[str, Any]] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _reply(self, message: dict[str, Any]) -> dict[str, Any]:
        command = message["command"]
        if command == "list":
            return {"result": "ok", "calls": [self.sip_call_id]}
        if command == "query":
            return {
                "result": "ok",
                "tags": {"t-b": {"label": "callee"}, "t-a": {"label": "caller"}},
            }
        if command == "subscribe request":
            return {"result": "ok", "sdp": f"v=0 offer of {message['from-tag']}"}
        return {"result": "ok"}

    def _serve(self) -> None:
        while True:
            try:
                data, sender = self.sock.recvfrom(65535)
            except OSError:  # closed: the test is over
                return
            cookie, _, body = data.partition(b" ")
            message = bdecode(body)
            self.asked.append(message)
            self.sock.sendto(cookie + b" " + bencode(self._reply(message)), sender)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def long_call(api, centre, settings) -> Iterator[tuple[Call, ScriptedRtpengine]]:
    """agent1 talks to a caller whose SIP Call-ID is 246 characters long."""
    rtpengine = ScriptedRtpengine(LONG_SIP_CALL_ID)
    settings.HOTLINE_VOICE_RTPENGINE_PORT = rtpengine.port
    ready(api, "agent1")
    arrive(api, sip_external_id(LONG_SIP_CALL_ID))
    answer(api, "agent1")
    yield Call.objects.get(), rtpengine
    rtpengine.close()


def test_b11_a_long_sip_call_id_listening_ticket_goes_from_start_to_answer_and_stop(api, long_call):
    """The ticket carries no Call-ID (its length is the caller's PBX's choice): it stays far
    under its bound, and answer and stop find the Call-ID on the server and use it."""
    call, rtpengine = long_call
    started = api("lead", "post", "/voice/listen", {"call_id": call.pk})
    assert started.status_code == 200, started.content
    ticket = started.json()["ticket"]
    assert len(ticket) <= TICKET_MAX // 2, len(ticket)
    assert "xxxx" not in signing.b64_decode(ticket.split(":")[0].encode()).decode(errors="replace")
    assert started.json()["offers"] == ["v=0 offer of t-a", "v=0 offer of t-b"]  # caller first

    for side in (0, 1):
        answered = api(
            "lead", "post", "/voice/listen/answer", {"ticket": ticket, "side": side, "sdp": "v=0"}
        )
        assert answered.status_code == 204, answered.content
    stopped = api("lead", "post", "/voice/listen/stop", {"ticket": ticket})
    assert stopped.status_code == 204, stopped.content

    started_event = Event.objects.get(entity="voice.listening", action="started")
    assert started_event.new is not None
    tag = started_event.new["tag"]
    asked = [
        (m["command"], m.get("call-id"), m.get("to-tag"))
        for m in rtpengine.asked
        if m["command"] in ("subscribe answer", "unsubscribe")
    ]
    assert asked == [
        ("subscribe answer", LONG_SIP_CALL_ID, f"{tag}-0"),
        ("subscribe answer", LONG_SIP_CALL_ID, f"{tag}-1"),
        ("unsubscribe", LONG_SIP_CALL_ID, f"{tag}-0"),
        ("unsubscribe", LONG_SIP_CALL_ID, f"{tag}-1"),
    ]
    assert [e.action for e in Event.objects.filter(entity="voice.listening").order_by("pk")] == [
        "started",
        "stopped",
    ]


def test_b11_a_ticket_for_a_listening_never_started_is_refused(api, long_call, centre):
    """A ticket signed right but naming a tag no start recorded finds nothing: 404, nothing
    asked of rtpengine, nothing written."""
    call, rtpengine = long_call
    ticket = signing.dumps(
        {"call": call.pk, "by": centre["lead"].pk, "tag": "listen-never", "sides": 2}, salt=_SALT
    )
    answered = api(
        "lead", "post", "/voice/listen/answer", {"ticket": ticket, "side": 0, "sdp": "v=0"}
    )
    stopped = api("lead", "post", "/voice/listen/stop", {"ticket": ticket})
    assert (answered.status_code, stopped.status_code) == (404, 404)
    assert rtpengine.asked == []
    assert listened() == 0
