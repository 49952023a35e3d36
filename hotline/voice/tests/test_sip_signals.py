"""Live states from signalling and the SIP edge's failures, for real (issue 18): a phone that
holds the caller (re-INVITEs) makes the call "On hold" in Hotline and on the wallboard; a mixed
batch of trunk calls each ends in Hotline as a call in an end state or a recorded failure; a
call goes on through a restart of Kamailio."""

import contextlib
import hashlib
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.models import Team
from hotline.calls.choices import AlertKind, CallState
from hotline.calls.models import Alert, Call, Queue
from hotline.calls.tests.floor_http import ready
from hotline.testing.people import installations_lead
from hotline.voice.edge_watch import edge_check, edge_down_now
from hotline.voice.models import VoiceFailure
from hotline.voice.stack import running_edge
from hotline.voice.tests.sipp import free_udp_port, unserved_edge
from hotline.voice.tests.test_sip_calls import (
    CALLER_NUMBER,
    WHILE_RINGING,
    WHILE_WAITING,
    Phone,
    call_events,
    call_in,
    finished,
    relayed_media,
    the_call,
    until,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]


def board_state(api: Any, username: str = "agent1") -> str:
    """What the team lead's wallboard says the agent is doing."""
    board = api("lead", "get", "/floor/wallboard").json()
    return str(next(row["state_label"] for row in board["agents"] if row["agent"] == username))


def test_a1_sip_phone_holding_the_caller_shows_ringing_talking_on_hold_and_counts_the_talk(
    api, edge, logs, audio, centre, in_english, clock
):
    ready(api, "agent1")
    phone = Phone(
        api, edge, logs, audio, "agent1", scenario="phone_holds", ring_ms="1500", held_ms="2500"
    )
    caller, port = call_in(edge, logs, audio, scenario="caller_held")

    until(lambda: Call.objects.filter(state=CallState.OFFERED).exists())
    assert board_state(api) == "Ringing"  # the offer rings the phone (B9)
    until(lambda: Call.objects.filter(state=CallState.CONNECTED).exists())
    assert board_state(api) == "On a call"  # the phone's 200 OK, reported as answered
    until(lambda: the_call().held_since is not None)  # the re-INVITE with a=sendonly
    assert board_state(api) == "On hold"
    assert the_call().state == CallState.CONNECTED  # the talk goes on (A1)
    clock.advance(seconds=40)  # Hotline's time (the edge's timers run real time)
    until(lambda: the_call().held_since is None)  # a=sendrecv: back
    assert board_state(api) == "On a call"
    finished(caller, logs, "caller_held", port, edge)  # the caller checked both re-INVITEs
    phone.answered(edge)

    call = the_call()
    assert call.state == CallState.WRAP_UP
    assert call.hold_seconds == 40
    assert call_events(call) == ["arrived", "offered", "answered", "held", "resumed", "ended"]
    legs = relayed_media(edge)
    assert len(legs) == 2, legs
    assert min(legs) >= 50, legs


# Where a trunk call may end in Hotline (issue 18: "nothing is lost silently").
END_STATES = {
    CallState.WRAP_UP,  # answered (its wrap-up not done yet)
    CallState.ENDED,  # answered
    CallState.ABANDONED,
    CallState.OVERFLOWED,
    CallState.CALLBACK,
}


def invites_sent(logs: Path) -> list[str]:
    """The Call-IDs of the INVITEs SIPp's callers sent (first INVITE of each dialog), from
    their message traces."""
    call_ids = []
    for trace in sorted(logs.glob("caller*.msg")):
        for block in re.split(r"-{5,}.*\n", trace.read_text(errors="replace")):
            if re.search(r"message sent.*\n\s*INVITE sip:", block) and "CSeq: 1 INVITE" in block:
                call_ids.append(re.search(r"Call-ID: *(\S+)", block)[1])  # type: ignore[index]
    return sorted(set(call_ids))


def external_id(call_id: str) -> str:
    """What the edge calls a SIP call in Hotline (route ASK_HOTLINE: "sip-" + MD5 of Call-ID)."""
    return "sip-" + hashlib.md5(call_id.encode()).hexdigest()


@pytest.fixture
def closing_queue(centre: dict[str, Any]) -> Queue:
    """A queue the edge's config knows (made before the edge starts) and the test removes from
    Hotline afterwards: Hotline refuses its calls (404), as when it cannot take a call."""
    repairs = Queue.objects.get(code="repairs")
    return Queue.objects.create(code="closing", name="Closing", team=repairs.team)


def test_every_invite_ends_answered_abandoned_or_as_a_recorded_failure(
    closing_queue, api, edge, logs, audio, centre, clock
):
    closing_queue.delete()  # the edge still routes "closing" to Hotline, which refuses it
    ready(api, "agent1")
    phone1 = Phone(api, edge, logs, audio, "agent1")

    # A batch at once: one answered, one who gives up while waiting (agent1 is busy), one the
    # floor cannot take (503 from the edge, recorded in Hotline as a failure).
    answered, answered_port = call_in(edge, logs, audio, talk_ms="2500")
    until(lambda: Call.objects.exists())  # offered to agent1 as it arrived
    gives_up, gives_up_port = call_in(
        edge, logs, audio, scenario="caller_hangs_up", wait_ms="1000", **WHILE_WAITING
    )
    refused, refused_port = call_in(
        edge, logs, audio, scenario="caller_refused", service="closing", final="503"
    )
    finished(answered, logs, "caller", answered_port, edge)
    finished(gives_up, logs, "caller_hangs_up", gives_up_port, edge)
    finished(refused, logs, "caller_refused", refused_port, edge)
    phone1.answered(edge)

    # One who hangs up while agent2's phone rings.
    ready(api, "agent2")
    ringing = Phone(api, edge, logs, audio, "agent2", scenario="phone_rings_out")
    hangs_up, hangs_up_port = call_in(
        edge, logs, audio, scenario="caller_hangs_up", wait_ms="800", **WHILE_RINGING
    )
    finished(hangs_up, logs, "caller_hangs_up", hangs_up_port, edge)
    ringing.answered(edge)

    # One whose first phone refuses it (486): back in the queue, answered by agent3.
    busy = Phone(api, edge, logs, audio, "agent2", scenario="phone_refuses")
    assert api("agent3", "post", "/floor/login").status_code == 200
    phone3 = Phone(api, edge, logs, audio, "agent3")
    second_try, second_try_port = call_in(edge, logs, audio, talk_ms="500")
    busy.answered(edge)
    until(lambda: Call.objects.filter(state=CallState.WAITING).exists())
    assert api("agent3", "post", "/floor/ready").status_code == 200
    finished(second_try, logs, "caller", second_try_port, edge)
    phone3.answered(edge)

    # The failure reaches Hotline from the edge's table (every 2 s).
    until(lambda: VoiceFailure.objects.exists(), 10)
    sent = invites_sent(logs)
    assert len(sent) == 5, sent  # SIPp's count
    expected = {external_id(call_id) for call_id in sent}
    calls = dict(Call.objects.filter(external_id__in=expected).values_list("external_id", "state"))
    failures = set(
        VoiceFailure.objects.filter(external_id__in=expected).values_list("external_id", flat=True)
    )
    assert set(calls) | failures == expected  # each INVITE is in Hotline...
    assert len(calls) + len(failures) == len(sent)  # ...once
    assert set(calls.values()) <= END_STATES, calls  # ...in an end state
    assert sorted(calls.values()) == ["abandoned", "abandoned", "wrap_up", "wrap_up"]
    failure = VoiceFailure.objects.get()
    assert (failure.queue, failure.caller, failure.status, failure.outcome) == (
        "closing",
        CALLER_NUMBER,
        404,
        "refused",
    )
    assert not Call.objects.exclude(external_id__in=expected).exists()  # nothing else either


def test_sip_call_survives_a_kamailio_restart_and_phones_register_again(
    api, edge, logs, audio, centre, clock
):
    ready(api, "agent1")
    phone1 = Phone(api, edge, logs, audio, "agent1")
    assert api("agent2", "post", "/floor/login").status_code == 200
    phone2 = Phone(api, edge, logs, audio, "agent2")  # registered before the restart
    caller, port = call_in(edge, logs, audio, talk_ms="6000")
    until(lambda: Call.objects.filter(state=CallState.CONNECTED).exists())
    talk = Call.objects.get()
    # A second caller waits in the queue (agent2 is not ready) across the restart.
    waiting, waiting_port = call_in(
        edge, logs, audio, scenario="caller_cancel_lost", wait_ms="4000"
    )
    until(lambda: Call.objects.filter(state=CallState.WAITING).exists())

    first = edge.kamailio
    edge.stop_kamailio()  # mid-call: rtpengine goes on relaying the media
    assert first.poll() is not None
    time.sleep(1.5)
    edge.start_kamailio()  # same config; no dialog state to lose (record-routed dialogs)
    assert edge.kamailio.pid != first.pid
    restarted_at = len(edge.kamailio_log.read_text(errors="replace"))

    finished(caller, logs, "caller", port, edge)  # its BYE after the restart
    phone1.answered(edge)
    call = Call.objects.get(pk=talk.pk)
    assert call.state == CallState.WRAP_UP  # the BYE through the new Kamailio ended it
    assert call_events(call) == ["arrived", "offered", "answered", "ended"]
    legs = relayed_media(edge)
    assert len(legs) == 2, legs
    assert min(legs) >= 250, legs  # 6 s of 20 ms packets each way, the restart included

    # The waiting caller's transaction died with the old Kamailio; hanging up after the
    # restart (CANCEL, answered 481) still abandons the call in Hotline: it does not wait on.
    finished(waiting, logs, "caller_cancel_lost", waiting_port, edge)
    assert Call.objects.exclude(pk=talk.pk).get().state == CallState.ABANDONED

    # Registrations lived in Kamailio's memory (usrloc db_mode 0): agent2's phone must
    # REGISTER again; until then a call offered to agent2 does not ring it.
    assert api("agent2", "post", "/floor/ready").status_code == 200  # agent1 is in wrap-up
    waits, waits_port = call_in(
        edge, logs, audio, scenario="caller_hangs_up", wait_ms="1500", **WHILE_WAITING
    )
    finished(waits, logs, "caller_hangs_up", waits_port, edge)
    after = edge.kamailio_log.read_text(errors="replace")[restarted_at:]
    assert "has no phone registered: the caller waits" in after, after[-3000:]
    phone2.process.kill()
    phone2.process.wait(5)


def test_sip_edge_down_alerts_every_team_lead_once_and_its_recovery_clears_it(
    edge, settings, centre, clock, client, in_english
):
    settings.HOTLINE_VOICE_RTPENGINE_PORT = edge.edge.rtpengine_port
    settings.HOTLINE_VOICE_SIP_ADDRESS = "127.0.0.1"
    settings.HOTLINE_VOICE_SIP_PORT = edge.edge.sip_port
    assert edge_down_now() == []  # rtpengine's pong and Kamailio's 200 to OPTIONS
    assert edge_check(clock()) == 0

    lead2 = installations_lead()  # a second team with a lead: each is told
    edge.stop_kamailio()
    assert edge_down_now() == ["kamailio"]
    teams = set(Team.objects.filter(members__role=Role.TEAM_LEAD).values_list("pk", flat=True))
    assert len(teams) >= 2
    assert edge_check(clock.advance(seconds=10)) == len(teams)
    assert edge_check(clock.advance(seconds=10)) == 0  # once, while it stays down
    down = Alert.objects.filter(kind=AlertKind.EDGE_DOWN)
    assert set(down.values_list("team_id", flat=True)) == teams
    client.force_login(centre["lead"])
    assert "SIP edge down" in client.get(reverse("calls:wallboard_panel")).text
    client.force_login(lead2)
    assert "SIP edge down" in client.get(reverse("calls:wallboard_panel")).text

    edge.start_kamailio()
    assert edge_check(clock.advance(seconds=10)) == len(teams)  # cleared, each
    assert not down.filter(cleared_at__isnull=True).exists()
    panel = client.get(reverse("calls:wallboard_panel")).text
    assert 'data-testid="alert"' not in panel  # no longer waiting for the lead...
    assert "Over at" in panel  # ...shown as over

    settings.HOTLINE_VOICE_RTPENGINE_PORT = free_udp_port()  # nothing answers there
    assert edge_down_now() == ["rtpengine"]


class Gate:
    """A TCP relay to the live server that can be shut: Hotline unreachable, then back."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.open = upstream, False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open:
                client.close()  # no answer at all
                continue
            server = socket.create_connection(self.upstream)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()


def test_a_call_refused_while_hotline_is_down_is_recorded_when_it_is_back(
    live_server, centre, token_for, logs, audio, tmp_path, clock
):
    host, port = live_server.url.removeprefix("http://").split(":")
    gate = Gate((host, int(port)))
    edge = unserved_edge(tmp_path / "edge", gate.url)
    try:
        with running_edge(edge, token=token_for(centre["pbx"]), now=clock()) as running:
            caller, caller_port = call_in(
                running, logs, audio, scenario="caller_refused", final="503"
            )
            finished(caller, logs, "caller_refused", caller_port, running)
            until(lambda: "not recorded yet" in running.kamailio_log.read_text(), 8)
            assert not VoiceFailure.objects.exists()  # Hotline down: the edge keeps it

            gate.open = True  # Hotline is back
            until(lambda: VoiceFailure.objects.exists(), 8)
            (sent,) = invites_sent(logs)
    finally:
        gate.close()
    failure = VoiceFailure.objects.get()
    assert (failure.external_id, failure.status, failure.outcome) == (
        external_id(sent),
        0,  # no answer at all
        "refused",
    )
    assert not Call.objects.exists()
