"""Listening live through the API (no SIP edge needed for these): who may, what is refused,
and that a refusal writes nothing. The whole thing for real: test_listening_live.py."""

import pytest
from django.core import signing

from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.calls.models import Call
from hotline.calls.tests.floor_http import answer, arrive, ready
from hotline.testing.people import installations_lead
from hotline.voice.listening import _SALT
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
        {"call": talking.pk, "by": centre["manager"].pk, "sip": "x", "tag": "t", "sides": 2},
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
