"""Real calls through the SIP edge: SIPp callers from the trunk and SIPp agents' phones against
Kamailio + rtpengine on loopback, routed by the live Hotline through the floor's services."""

import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import OperationalError

from hotline.audit.models import Event
from hotline.calls.choices import CallState
from hotline.calls.models import AgentSession, Call, Queue
from hotline.calls.tests.floor_http import ready
from hotline.core.agent_states import AgentState
from hotline.voice.stack import RunningEdge, running_edge
from hotline.voice.tests.baresip import Baresip
from hotline.voice.tests.sipp import (
    free_media_port,
    free_tcp_port,
    free_udp_port,
    media_legs,
    sipp,
    sipp_log,
    sipp_started,
    unserved_edge,
)

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]

CALLER_NUMBER = "0888123456"


class Phone:
    """An agent's SIP phone (SIPp UAS) registered with the credential Hotline issued them."""

    def __init__(
        self,
        api: Any,
        edge: RunningEdge,
        logs: Path,
        audio: Path,
        username: str,
        scenario: str = "phone",
        **keys: str,
    ):
        issued = api(username, "post", "/voice/credentials")
        assert issued.status_code == 200, issued.content
        self.credential = issued.json()
        self.logs, self.scenario = logs, scenario
        self.process, self.port = sipp_started(
            scenario,
            edge_port=edge.edge.sip_port,
            service=self.credential["username"],
            logs=logs,
            keys={"audio": str(audio), **keys},
            timeout_s=30,
        )
        registering, register_port = sipp_started(
            "register",
            edge_port=edge.edge.sip_port,
            service=self.credential["username"],
            logs=logs,
            keys={"contact_port": str(self.port)},
            extra=("-au", self.credential["username"], "-ap", self.credential["password"]),
        )
        assert registering.wait(10) == 0, sipp_log(logs, "register", register_port) + edge.logs()

    def answered(self, edge: RunningEdge) -> None:
        log = sipp_log(self.logs, self.scenario, self.port)
        assert self.process.wait(15) == 0, log + edge.logs()


# The replies a caller who hangs up gets, in order: waiting, the edge ends the INVITE as it
# takes the CANCEL; ringing, the CANCEL is answered at once and the phone ends the INVITE.
WHILE_WAITING = {"first_reply": "487", "second_reply": "200"}
WHILE_RINGING = {"first_reply": "200", "second_reply": "487"}


def call_in(
    edge: RunningEdge,
    logs: Path,
    audio: Path,
    scenario: str = "caller",
    service: str = "repairs",
    **keys: str,
) -> tuple[subprocess.Popen[bytes], int]:
    """A caller from the trunk (SIPp) calling the queue `service`: the process, its SIP port."""
    return sipp_started(
        scenario,
        edge_port=edge.edge.sip_port,
        service=service,
        logs=logs,
        keys={"audio": str(audio), "caller": CALLER_NUMBER, **keys},
    )


def finished(process: Any, logs: Path, scenario: str, port: int, edge: RunningEdge) -> None:
    assert process.wait(20) == 0, sipp_log(logs, scenario, port) + edge.logs()


def the_call() -> Call:
    return Call.objects.select_related("agent").get()


def call_events(call: Call) -> list[str]:
    return list(
        Event.objects.filter(entity="calls.call", entity_id=str(call.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def until(predicate: Any, seconds: float = 10) -> None:
    """Until the predicate holds; a read that meets the live server's write (SQLite's shared
    in-memory database: "table is locked") is a "not yet"."""
    deadline = time.monotonic() + seconds
    while not _holds(predicate):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _holds(predicate: Any) -> bool:
    try:
        return bool(predicate())
    except OperationalError:
        return False


def relayed_media(edge: RunningEdge) -> list[int]:
    """Packets rtpengine relayed on each leg, from its log once it closed the call."""
    until(lambda: media_legs(edge.rtpengine_log.read_text(errors="replace")), 5)
    return media_legs(edge.rtpengine_log.read_text(errors="replace"))


def test_b9_sip_call_offered_to_ready_agent_rings_their_phone_and_ends_like_a_cti_call(
    api, edge, logs, audio, centre
):
    ready(api, "agent1")
    phone = Phone(api, edge, logs, audio, "agent1")

    caller, port = call_in(edge, logs, audio, talk_ms="1500")
    finished(caller, logs, "caller", port, edge)
    phone.answered(edge)

    call = the_call()
    assert (call.state, call.agent, call.caller_number) == (
        CallState.WRAP_UP,
        centre["agent1"],
        CALLER_NUMBER,
    )
    assert (call.external_id or "").startswith("sip-")
    # The events the CTI path writes, in its order: one routing path.
    assert call_events(call) == ["arrived", "offered", "answered", "ended"]
    offered = Event.objects.get(entity="calls.call", action="offered")
    assert offered.rule == "B9"
    assert isinstance(offered.new, dict)
    assert offered.new["agent"] == centre["agent1"].pk
    # Media went through rtpengine both ways: the caller's leg and the phone's.
    legs = relayed_media(edge)
    assert len(legs) == 2, legs
    assert min(legs) >= 25, legs  # 1.5 s of 20 ms packets each way, at least


def test_b9_sip_caller_waits_in_the_queue_until_an_agent_is_ready(api, edge, logs, audio, centre):
    assert api("agent1", "post", "/floor/login").status_code == 200  # on the floor, not ready
    phone = Phone(api, edge, logs, audio, "agent1")

    caller, port = call_in(edge, logs, audio, talk_ms="500")
    until(lambda: Call.objects.filter(state=CallState.WAITING).exists())
    time.sleep(0.6)  # the edge asks again meanwhile: the caller keeps waiting
    assert the_call().state == CallState.WAITING
    assert caller.poll() is None  # still on the line

    assert api("agent1", "post", "/floor/ready").status_code == 200
    finished(caller, logs, "caller", port, edge)
    phone.answered(edge)

    call = the_call()
    assert (call.state, call.agent) == (CallState.WRAP_UP, centre["agent1"])
    assert call_events(call) == ["arrived", "offered", "answered", "ended"]


def test_b9_sip_caller_who_hangs_up_while_waiting_is_abandoned(api, edge, logs, audio):
    caller, port = call_in(
        edge, logs, audio, scenario="caller_hangs_up", wait_ms="800", **WHILE_WAITING
    )
    finished(caller, logs, "caller_hangs_up", port, edge)

    call = the_call()
    assert call.state == CallState.ABANDONED
    assert call_events(call) == ["arrived", "abandoned"]


def a_phone_refuses_and_the_next_answers(
    api: Any,
    edge: RunningEdge,
    logs: Path,
    audio: Path,
    centre: dict[str, Any],
    caller_calls: Callable[[], tuple[subprocess.Popen[bytes], int]],
    scenario: str = "caller",
    while_waiting: Callable[[], None] = lambda: None,
) -> Call:
    """agent1 is ready and their phone refuses the call (486) that `caller_calls` starts (a
    SIPp `scenario`: its process and SIP port): agent1 is away (B9), the caller waits
    (`while_waiting` checks more then); agent2 gets ready, their phone answers. The call."""
    ready(api, "agent1")
    busy = Phone(api, edge, logs, audio, "agent1", scenario="phone_refuses")
    assert api("agent2", "post", "/floor/login").status_code == 200
    phone2 = Phone(api, edge, logs, audio, "agent2")

    caller, port = caller_calls()
    busy.answered(edge)  # its scenario: refuse the call
    until(lambda: Call.objects.filter(state=CallState.WAITING).exists())
    declined = AgentSession.objects.get(agent=centre["agent1"])
    assert (declined.state, declined.reason) == (AgentState.AWAY, "declined call")  # B9
    assert caller.poll() is None  # the caller still waits
    while_waiting()

    assert api("agent2", "post", "/floor/ready").status_code == 200
    finished(caller, logs, scenario, port, edge)
    phone2.answered(edge)

    call = the_call()
    assert (call.state, call.agent) == (CallState.WRAP_UP, centre["agent2"])
    assert call_events(call) == [
        "arrived",
        "offered",
        "offer_declined",
        "offered",
        "answered",
        "ended",
    ]
    return call


def test_b9_sip_phone_that_refuses_sends_the_call_back_to_the_queue_for_the_next_agent(
    api, edge, logs, audio, centre
):
    def caller() -> tuple[subprocess.Popen[bytes], int]:
        return call_in(edge, logs, audio, talk_ms="500")

    a_phone_refuses_and_the_next_answers(api, edge, logs, audio, centre, caller)


def test_b9_sip_offer_that_rings_out_goes_back_to_the_queue_and_the_caller_may_still_hang_up(
    api, edge, logs, audio, centre
):
    Queue.objects.filter(code="repairs").update(offer_ring_time=timedelta(seconds=2))
    ready(api, "agent1")
    silent = Phone(api, edge, logs, audio, "agent1", scenario="phone_rings_out")

    caller, port = call_in(
        edge, logs, audio, scenario="caller_hangs_up", wait_ms="4500", **WHILE_WAITING
    )
    # The phone rings until the edge cancels it, 2 s on, when the offer runs out.
    until(lambda: Event.objects.filter(action="offer_expired").exists())
    missed = AgentSession.objects.get(agent=centre["agent1"])
    assert (missed.state, missed.reason) == (AgentState.AWAY, "missed call")  # B9
    assert the_call().state == CallState.WAITING  # back at the head of the queue
    assert caller.poll() is None  # the caller still waits...
    finished(caller, logs, "caller_hangs_up", port, edge)  # ...and hangs up
    silent.answered(edge)  # (its scenario ran: rang, was cancelled)

    call = the_call()
    assert call.state == CallState.ABANDONED
    assert call_events(call) == ["arrived", "offered", "offer_expired", "abandoned"]


def test_b9_sip_caller_who_hangs_up_while_the_phone_rings_is_abandoned_and_the_agent_ready(
    api, edge, logs, audio, centre
):
    ready(api, "agent1")
    ringing = Phone(api, edge, logs, audio, "agent1", scenario="phone_rings_out")

    caller, port = call_in(
        edge, logs, audio, scenario="caller_hangs_up", wait_ms="800", **WHILE_RINGING
    )
    finished(caller, logs, "caller_hangs_up", port, edge)
    ringing.answered(edge)  # its scenario: ring until cancelled

    call = the_call()
    assert call.state == CallState.ABANDONED
    assert call_events(call) == ["arrived", "offered", "abandoned"]
    agent = AgentSession.objects.get(agent=centre["agent1"])
    assert agent.state == AgentState.READY  # rang for nothing: ready again, in their place


def test_b9_sip_desk_phone_baresip_registers_with_its_credential_and_answers(
    api, edge, logs, audio, centre, tmp_path
):
    ready(api, "agent1")
    issued = api("agent1", "post", "/voice/credentials").json()
    phone = Baresip(
        tmp_path / "baresip",
        f"<sip:{issued['username']}@127.0.0.1:{edge.edge.sip_port}>"
        f";auth_pass={issued['password']};answermode=auto;regint=300",
    )
    try:
        until(lambda: "200 OK" in phone.log())  # registered

        caller, port = call_in(edge, logs, audio, talk_ms="1500")
        finished(caller, logs, "caller", port, edge)
    finally:
        phone.stop()

    call = the_call()
    assert (call.state, call.agent) == (CallState.WRAP_UP, centre["agent1"])
    assert call_events(call) == ["arrived", "offered", "answered", "ended"]
    legs = relayed_media(edge)
    assert len(legs) == 2, legs
    assert min(legs) >= 25, (legs, phone.log()[-3000:])


def test_sip_edge_sends_calls_to_the_fallback_when_hotline_does_not_answer(
    centre, logs, audio, tmp_path, clock
):
    """Hotline unreachable (nothing listens at its address): the caller is put through to the
    fallback group (a phone here), not dropped."""
    fallback_port = free_udp_port()
    edge = unserved_edge(
        tmp_path / "edge",
        f"http://127.0.0.1:{free_tcp_port()}",  # nothing there
        fallback_uri=f"sip:fallback@127.0.0.1:{fallback_port}",
    )
    with running_edge(edge, token="unused", now=clock()) as running:
        fallback = sipp(
            "phone",
            edge_port=edge.sip_port,
            local_port=fallback_port,
            media_port=free_media_port(),
            service="fallback",
            logs=logs,
            keys={"audio": str(audio)},
        )
        caller, port = call_in(running, logs, audio, talk_ms="500")
        finished(caller, logs, "caller", port, running)
        assert fallback.wait(10) == 0, sipp_log(logs, "phone", fallback_port) + running.logs()
        assert "goes to the fallback" in running.kamailio_log.read_text()
        # Kept to be recorded in Hotline when it answers again (route REPORT_FAILURES, 2 s).
        until(lambda: "not recorded yet: Hotline" in running.kamailio_log.read_text(), 8)
        legs = relayed_media(running)
    assert len(legs) == 2, legs
    assert min(legs) > 0, legs
    assert not Call.objects.exists()  # Hotline never heard of it: the edge keeps it for later
