"""Outbound calls for real: an agent's SIP phone (SIPp, digest-authenticated with the credential
Hotline issued) dials a callback's (B8) or a follow-up's (C6) number through Kamailio +
rtpengine on loopback; a SIPp UAS stands as the carrier the trunk URI points at."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hotline.audit.models import Event
from hotline.calls.choices import CallbackState, CallState
from hotline.calls.models import Call, Callback
from hotline.calls.tests.floor_http import callback_ringing, ready
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.followup.numbers import followup_number
from hotline.followup.services import followups_plan
from hotline.testing.cases import completed_order
from hotline.testing.clock import MovingClock
from hotline.voice.stack import RunningEdge, running_edge
from hotline.voice.tests.conftest import loopback_edge
from hotline.voice.tests.sipp import (
    free_media_port,
    free_udp_port,
    media_legs,
    sipp,
    sipp_log,
    sipp_started,
)
from hotline.voice.tests.test_sip_calls import until

pytestmark = [pytest.mark.voice, pytest.mark.django_db(transaction=True)]

NUMBER = "+359881000000"


class Carrier:
    """The carrier behind the trunk: a SIPp UAS that answers what reaches it and talks."""

    def __init__(self, logs: Path, audio: Path, scenario: str = "phone"):
        self.port, self.logs, self.scenario = free_udp_port(), logs, scenario
        self.process = sipp(
            scenario,
            edge_port=free_udp_port(),  # a UAS: it answers whoever sends the INVITE
            local_port=self.port,
            media_port=free_media_port(),
            service="carrier",
            logs=logs,
            keys={"audio": str(audio)},
            timeout_s=30,
        )

    def messages(self) -> str:
        path = self.logs / f"{self.scenario}-{self.port}.msg"
        return path.read_text(errors="replace") if path.exists() else ""

    def log(self) -> str:
        return sipp_log(self.logs, self.scenario, self.port)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def carrier_scenario() -> str:
    """What the carrier does: answers (a test may parametrize "phone_refuses": 486 Busy)."""
    return "phone"


@pytest.fixture
def carrier(carrier_scenario: str, logs: Path, audio: Path) -> Iterator[Carrier]:
    standing = Carrier(logs, audio, carrier_scenario)
    yield standing
    standing.stop()


@pytest.fixture
def outbound_edge(
    settings: Any,
    live_server: Any,
    centre: dict[str, Any],
    token_for: Any,
    tmp_path: Path,
    clock: MovingClock,
    carrier: Carrier,
) -> Iterator[RunningEdge]:
    """The edge with a trunk to the carrier. Trunk calls come from 127.0.0.2 here, so the
    agents' phones on 127.0.0.1 are phones, not the trunk."""
    edge = loopback_edge(
        settings,
        live_server,
        tmp_path / "edge",
        trunk_addresses=("127.0.0.2",),
        trunk_uri=f"sip:127.0.0.1:{carrier.port}",
    )
    with running_edge(edge, token=token_for(centre["pbx"]), now=clock()) as running:
        yield running


def credential(api: Any, username: str) -> dict[str, str]:
    issued = api(username, "post", "/voice/credentials")
    assert issued.status_code == 200, issued.content
    return dict(issued.json())


def dial_out(
    edge: RunningEdge,
    logs: Path,
    audio: Path,
    phone: dict[str, str],
    number: str,
    scenario: str = "dialler",
    password: str | None = None,
    from_user: str | None = None,
    **keys: str,
) -> tuple[Any, int]:
    return sipp_started(
        scenario,
        edge_port=edge.edge.sip_port,
        service=from_user or phone["username"],
        logs=logs,
        keys={"audio": str(audio), "number": number, **keys},
        extra=("-au", phone["username"], "-ap", password or phone["password"]),
    )


def refused_dial(
    edge: RunningEdge,
    logs: Path,
    audio: Path,
    carrier: Carrier,
    phone: dict[str, str],
    number: str,
    final: str,
    **dial: Any,
) -> str:
    """The phone dials `number` and is refused with `final` (SIPp's dialler_refused checks
    it): nothing changed in Hotline, nothing reached the carrier. The SIP messages seen."""
    before = snapshot()
    dialler, port = dial_out(
        edge, logs, audio, phone, number, "dialler_refused", final=final, **dial
    )
    assert dialler.wait(20) == 0, sipp_log(logs, "dialler_refused", port) + edge.logs()
    assert snapshot() == before
    assert "INVITE" not in carrier.messages()
    return (logs / f"dialler_refused-{port}.msg").read_text(errors="replace")


def snapshot() -> tuple[Any, ...]:
    return (
        list(Callback.objects.values_list("pk", "state", "attempts")),
        list(Call.objects.values_list("pk", "state")),
        list(FollowUp.objects.values_list("pk", "state", "taken_by")),
        Event.objects.exclude(entity__startswith="accounts.").count(),
    )


def test_b8_sip_phone_dials_its_callback_through_the_trunk_and_the_carrier_answers(
    api, outbound_edge, carrier, logs, audio, centre, clock
):
    ready(api, "agent1")
    phone = credential(api, "agent1")
    callback = callback_ringing(api, clock)

    dialler, port = dial_out(outbound_edge, logs, audio, phone, NUMBER, talk_ms="1500")
    assert dialler.wait(20) == 0, sipp_log(logs, "dialler", port) + outbound_edge.logs()
    assert carrier.process.wait(10) == 0, carrier.log() + outbound_edge.logs()

    # The carrier got the INVITE for the callback's number, from the edge (not the phone).
    assert f"INVITE sip:{NUMBER}@127.0.0.1:{carrier.port}" in carrier.messages()
    callback.refresh_from_db()
    assert (callback.state, callback.agent, callback.attempts) == (
        CallbackState.IN_PROGRESS,
        centre["agent1"],
        1,
    )
    # Dialled: the callback's call connected to the agent; the phone's BYE ended it (wrap-up).
    call = Call.objects.get(callback=callback)
    until(lambda: Call.objects.get(pk=call.pk).state == CallState.WRAP_UP)
    assert Event.objects.get(entity="voice.outbound").rule == "B8"
    # Media went through rtpengine both ways: the phone's leg and the carrier's.
    until(lambda: media_legs(outbound_edge.rtpengine_log.read_text(errors="replace")), 5)
    legs = media_legs(outbound_edge.rtpengine_log.read_text(errors="replace"))
    assert len(legs) == 2, legs
    assert min(legs) >= 25, legs

    # How it went is the agent's to say, as today (B8).
    outcome = f"/floor/callbacks/{callback.pk}/outcome"
    done = api("agent1", "post", outcome, {"outcome": "completed"})
    assert done.status_code == 200, done.content


@pytest.mark.parametrize("carrier_scenario", ["phone_refuses"])
def test_b8_sip_callback_dialled_to_a_busy_line_ends_its_attempt_for_the_agent_to_record(
    api, outbound_edge, carrier, logs, audio, centre, clock
):
    ready(api, "agent1")
    phone = credential(api, "agent1")
    callback = callback_ringing(api, clock)

    dialler, port = dial_out(
        outbound_edge, logs, audio, phone, NUMBER, "dialler_refused", final="486"
    )
    assert dialler.wait(20) == 0, sipp_log(logs, "dialler_refused", port) + outbound_edge.logs()
    assert carrier.process.wait(10) == 0, carrier.log() + outbound_edge.logs()

    # The attempt is over (its call in wrap-up); the agent says how it went (B8): busy, later.
    call = Call.objects.get(callback=callback)
    until(lambda: Call.objects.get(pk=call.pk).state == CallState.WRAP_UP)
    retry_at = clock.now + timedelta(minutes=10)
    failed = api(
        "agent1",
        "post",
        f"/floor/callbacks/{callback.pk}/outcome",
        {"outcome": "failed", "reason": "busy", "retry_at": retry_at.isoformat()},
    )
    assert failed.status_code == 200, failed.content
    assert failed.json()["state"] == CallbackState.SCHEDULED


def test_b8_sip_dialling_a_number_that_is_not_the_agents_callback_is_refused_403(
    api, outbound_edge, carrier, logs, audio, centre, clock
):
    ready(api, "agent1")
    phone = credential(api, "agent1")
    callback_ringing(api, clock)

    refused = refused_dial(outbound_edge, logs, audio, carrier, phone, "+359881000001", "403")
    assert "SIP/2.0 403 +359881000001 is not a callback or follow-up call of yours" in refused
    assert "X-Hotline-Rule: B8" in refused


def test_b8_sip_an_invite_without_a_valid_credential_is_challenged_and_refused(
    api, outbound_edge, carrier, logs, audio, centre, clock
):
    ready(api, "agent1")
    phone = credential(api, "agent1")
    callback_ringing(api, clock)

    refused_dial(
        outbound_edge, logs, audio, carrier, phone, NUMBER, "407", password="not-the-password"
    )


def test_b8_sip_a_phone_dialling_under_a_colleagues_name_is_refused(
    api, outbound_edge, carrier, logs, audio, centre, clock
):
    """agent2's phone, with its own valid credential, sends From agent1's SIP user name."""
    ready(api, "agent1")
    victim = credential(api, "agent1")
    callback_ringing(api, clock)
    assert api("agent2", "post", "/floor/login").status_code == 200
    phone = credential(api, "agent2")

    refused = refused_dial(
        outbound_edge, logs, audio, carrier, phone, NUMBER, "403", from_user=victim["username"]
    )
    assert "SIP/2.0 403 Dial As Yourself" in refused


def test_c6_sip_phone_dials_a_due_follow_up_through_the_trunk(
    api, outbound_edge, carrier, logs, audio, centre, clock
):
    order = completed_order(centre, clock.now - timedelta(days=7))
    assert followups_plan(now=clock.now) == 1
    followup = FollowUp.objects.select_related("work_order", "ticket__customer").get(
        work_order=order
    )
    number = followup_number(followup)
    assert api("agent1", "post", "/floor/login").status_code == 200
    phone = credential(api, "agent1")

    dialler, port = dial_out(outbound_edge, logs, audio, phone, number, talk_ms="1000")
    assert dialler.wait(20) == 0, sipp_log(logs, "dialler", port) + outbound_edge.logs()
    assert carrier.process.wait(10) == 0, carrier.log() + outbound_edge.logs()

    assert f"INVITE sip:{number}@" in carrier.messages()
    followup.refresh_from_db()
    assert (followup.state, followup.taken_by) == (FollowUpState.TAKEN, centre["agent1"])
    assert Event.objects.get(entity="voice.outbound").rule == "C6"
    assert not Call.objects.exists()  # a follow-up call is no floor call
    assert "talk ended" not in outbound_edge.kamailio_log.read_text(errors="replace")
