"""Hold from signalling (issue 18): the SIP edge (or a PBX) reports a line put on hold and taken
off it; the desk and the wallboard show "On hold", the talk goes on counting (A1) and the hold
time is added up on the call. The agent's state stays "on a call" (the state machine has no
hold). Driven over HTTP as the PBX, the lead and the agent see it."""

from typing import Any

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.calls.choices import AlertKind
from hotline.calls.models import AgentSession, Alert, Call
from hotline.calls.services.tick import floor_tick
from hotline.calls.tests.floor_http import http_api, ready
from hotline.testing.clock import MovingClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, now: Any) -> MovingClock:
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def api(client: Any, in_english: Any, token_for: Any, clock: MovingClock) -> Any:
    return http_api(client, token_for)


@pytest.fixture
def talking(api: Any, centre: dict[str, Any]) -> Call:
    """agent1 talks with a caller the PBX reported as pbx-1."""
    ready(api, "agent1")
    arrived = api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-1", "queue": "repairs", "caller_number": "0888123456"},
    )
    offer_id = arrived.json()["offer_id"]
    answered = api("pbx", "post", "/cti/calls/pbx-1/answered", {"offer_id": offer_id})
    assert answered.status_code == 200, answered.content
    return Call.objects.get(external_id="pbx-1")


def hold(api: Any, on_hold: Any, external_id: str = "pbx-1") -> Any:
    return api("pbx", "post", f"/cti/calls/{external_id}/hold", {"on_hold": on_hold})


def held_events() -> list[tuple[str, Any]]:
    return list(
        Event.objects.filter(entity="calls.call", action__in=["held", "resumed"])
        .order_by("pk")
        .values_list("action", "new")
    )


def board_agent(api: Any, username: str) -> dict[str, Any]:
    board = api("lead", "get", "/floor/wallboard")
    assert board.status_code == 200, board.content
    return next(row for row in board.json()["agents"] if row["agent"] == username)


def test_a1_hold_and_back_shows_on_the_desk_and_wallboard_and_adds_up_the_hold_time(
    api, client, centre, talking, clock
):
    clock.advance(seconds=30)
    held = hold(api, True)
    assert held.status_code == 200, held.content
    assert held.json()["held_since"] is not None
    assert board_agent(api, "agent1")["state_label"] == "On hold"
    assert board_agent(api, "agent1")["on_hold"] is True
    # The state machine is untouched: on a call, as before.
    assert AgentSession.objects.get(agent=centre["agent1"]).state == "on_call"
    client.force_login(centre["lead"])
    assert 'data-testid="agent-on-hold"' in client.get(reverse("calls:wallboard_panel")).text
    client.force_login(centre["agent1"])
    desk = client.get(reverse("calls:desk_panel")).text
    assert 'data-testid="on-hold"' in desk

    clock.advance(seconds=42)
    back = hold(api, False)
    assert back.status_code == 200
    assert (back.json()["held_since"], back.json()["hold_seconds"]) == (None, 42)
    assert board_agent(api, "agent1")["on_hold"] is False
    assert board_agent(api, "agent1")["state_label"] == "On a call"
    agent1 = centre["agent1"].pk
    assert held_events() == [
        ("held", {"agent": agent1}),
        ("resumed", {"agent": agent1, "held_seconds": 42}),
    ]


def test_a1_talk_limit_keeps_counting_on_hold(api, talking, clock):
    assert hold(api, True).status_code == 200
    clock.advance(minutes=16)
    floor_tick(clock())
    # The lead is alerted at the limit although the line has been on hold the whole time.
    assert Alert.objects.filter(kind=AlertKind.TALK_OVER, call=talking).exists()


def test_a1_hanging_up_on_hold_ends_the_hold_with_the_talk(api, talking, clock):
    assert hold(api, True).status_code == 200
    clock.advance(seconds=20)
    ended = api("pbx", "post", "/cti/calls/pbx-1/ended")
    assert ended.status_code == 200
    call = Call.objects.get(pk=talking.pk)
    assert (call.held_since, call.hold_seconds) == (None, 20)
    # The off-hold re-INVITE that comes after the BYE changes nothing.
    assert hold(api, False).status_code == 200
    assert Call.objects.get(pk=talking.pk).hold_seconds == 20


def test_hold_said_twice_is_one_hold(api, talking):
    assert hold(api, True).status_code == 200
    assert hold(api, True).status_code == 200
    assert hold(api, False).status_code == 200
    assert hold(api, False).status_code == 200
    assert [action for action, _ in held_events()] == ["held", "resumed"]


def test_hold_of_a_call_not_in_progress_is_409_with_its_state_and_changes_nothing(api, centre):
    ready(api, "agent1")
    arrived = api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": "pbx-1", "queue": "repairs", "caller_number": "0888123456"},
    )
    assert arrived.status_code == 201, arrived.content
    before = Event.objects.count()
    refused = hold(api, True)
    assert refused.status_code == 409
    assert (refused.json()["state"], refused.json()["rule"]) == ("offered", "")
    assert Call.objects.get().held_since is None
    assert Event.objects.count() == before


@pytest.mark.parametrize("body", [{}, {"on_hold": "perhaps"}, {"on_hold": None}])
def test_hold_with_bad_input_is_422_and_changes_nothing(api, talking, body):
    before = Event.objects.count()
    refused = api("pbx", "post", "/cti/calls/pbx-1/hold", body)
    assert refused.status_code == 422
    assert "detail" in refused.json()
    assert Call.objects.get(pk=talking.pk).held_since is None
    assert Event.objects.count() == before


def test_hold_of_an_unknown_call_is_404(api, talking):
    assert hold(api, True, external_id="pbx-unknown").status_code == 404
    assert Call.objects.get(pk=talking.pk).held_since is None


@pytest.mark.parametrize("username", ["agent1", "lead", "customer1"])
def test_only_the_pbx_reports_a_hold(api, talking, username):
    refused = api(username, "post", "/cti/calls/pbx-1/hold", {"on_hold": True})
    assert refused.status_code == 403
    assert Call.objects.get(pk=talking.pk).held_since is None
