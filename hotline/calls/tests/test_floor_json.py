"""The desk and the wallboard as JSON carry what their pages show (A4's pending transfer, B1, B2,
B5, alerts, A3 per agent, waiting calls), with times in Sofia's offset; and only to whom they
belong. Driven over the API and the pages with a clock that moves."""

from typing import Any

import pytest

from hotline.calls.models import Call, Transfer
from hotline.calls.tests.floor_http import answer, arrive, ready, set_rule

pytestmark = pytest.mark.django_db
SOFIA = "+02:00"


def _desk(floor: Any, who: str) -> dict[str, Any]:
    response = floor(who, "get", "/floor/desk")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_a4_the_receiving_desk_shows_the_transfer_to_accept_or_decline(floor, clock):
    ready(floor, "agent1")
    arrive(floor, "pbx-a4")
    call = answer(floor, "agent1")
    ready(floor, "agent2")
    clock.advance(seconds=30)
    asked = floor(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "installation question"},
    )
    assert asked.status_code == 200, asked.content

    desk = _desk(floor, "agent2")
    assert (desk["state"]["state"], desk["state"]["reason"]) == ("offered", "transfer")
    incoming = desk["incoming_transfer"]
    transfer_id = asked.json()["id"]
    assert incoming["id"] == transfer_id
    assert (incoming["from_agent"], incoming["reason"]) == ("agent1", "installation question")
    assert incoming["call"]["id"] == call["id"]
    assert incoming["requested_at"] == "2026-11-23T10:00:30+02:00"
    assert incoming["expires_at"] == "2026-11-23T10:00:50+02:00"  # A4: 20 s to consent
    assert incoming["accept"] == {
        "operation_id": "floor_transfer_accept",
        "method": "POST",
        "url": f"/api/v1/floor/transfers/{transfer_id}/accept",
    }
    assert incoming["decline"]["url"] == f"/api/v1/floor/transfers/{transfer_id}/decline"
    assert _desk(floor, "agent1")["outgoing_transfer"]["to_agent"] == "agent2"

    # Declined through the link the desk gave: the call stays with agent1.
    assert floor("agent2", "post", incoming["decline"]["url"]).status_code == 204
    assert _desk(floor, "agent2")["incoming_transfer"] is None
    assert _desk(floor, "agent1")["call"]["agent"] == "agent1"

    # Asked again and accepted through the link: the call is agent2's.
    again = floor(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "installation question"},
    ).json()
    accept = _desk(floor, "agent2")["incoming_transfer"]["accept"]["url"]
    assert accept.endswith(f"/{again['id']}/accept")
    moved = floor("agent2", "post", accept)
    assert (moved.status_code, moved.json()["agent"]) == (200, "agent2")


def test_a4_another_agent_cannot_take_or_see_the_transfer(floor, clock):
    ready(floor, "agent1")
    arrive(floor, "pbx-a4-x")
    call = answer(floor, "agent1")
    ready(floor, "agent2", "agent3")
    made = floor(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "x"},
    ).json()
    assert _desk(floor, "agent3")["incoming_transfer"] is None
    refused = floor("agent3", "post", f"/floor/transfers/{made['id']}/accept")
    assert refused.status_code in (404, 409)
    assert Transfer.objects.get(pk=made["id"]).outcome == "pending"
    agent = Call.objects.get(pk=call["id"]).agent
    assert agent is not None, "the call was answered"
    assert agent.username == "agent1"


def test_a4_the_transfer_expires_on_the_clock_and_leaves_the_desk(floor, clock):
    ready(floor, "agent1")
    arrive(floor, "pbx-a4-exp")
    call = answer(floor, "agent1")
    ready(floor, "agent2")
    floor(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "x"},
    )
    clock.advance(seconds=21)
    clock.tick()
    assert _desk(floor, "agent2")["incoming_transfer"] is None
    assert _desk(floor, "agent1")["outgoing_transfer"] is None


def test_b5_the_desk_shows_the_break_that_starts_after_the_call(floor, clock, client, centre):
    ready(floor, "agent1", "agent2")
    arrive(floor, "pbx-b5")
    answer(floor, "agent1")
    asked = floor("agent1", "post", "/floor/leave", {"kind": "break"})
    assert (asked.status_code, asked.json()["state"]) == (200, "after_call")
    pending = _desk(floor, "agent1")["pending_leave"]
    assert (pending["kind"], pending["state"]) == ("break", "after_call")
    assert pending["requested_at"] == "2026-11-23T10:00:00+02:00"
    client.force_login(centre["agent1"])
    page = client.get("/floor/desk/panel/")
    assert page.context["desk"].pending_leave.pk == pending["id"]


def test_b1_b2_a1_a3_the_json_wallboard_carries_what_the_page_shows(floor, clock, client, centre):
    set_rule(floor, "a2.max_wait", "60")  # minutes: the waiting call stays waiting
    ready(floor, "agent1", "agent2", "agent3")  # 10:00 in Sofia: late for an 8:30 shift (B1)
    assert floor("agent1", "post", "/floor/leave", {"kind": "break"}).status_code == 200
    override = floor(
        "lead",
        "post",
        "/floor/agents/agent2/override-leave",
        {"kind": "break", "reason": "doctor's call"},
    )
    assert override.status_code == 200, override.content
    arrive(floor, "pbx-wb-1")
    answer(floor, "agent3")
    arrive(floor, "pbx-wb-2")  # nobody is ready: it waits
    clock.advance(minutes=16)
    clock.tick()  # B2: both breaks overran

    board = floor("lead", "get", "/floor/wallboard").json()
    client.force_login(centre["lead"])
    response = client.get("/floor/wallboard/panel/")
    page = response.context["board"]
    html = response.content.decode()

    assert board["now"] == "2026-11-23T10:16:00+02:00"
    assert 'data-testid="updated">10:16:00<' in html  # the page in Sofia time too
    assert board["late_logins"] == page.late_logins == 3
    assert board["callbacks_due"] == page.callbacks_due
    assert [(w["id"], w["priority"], w["waited_s"]) for w in board["waiting"]] == [
        (row.call.pk, row.call.priority, int(row.waited.total_seconds())) for row in page.waiting
    ]
    assert board["waiting"][0]["waited_s"] == 16 * 60
    assert board["waiting"][0]["arrived_at"] == "2026-11-23T10:00:00+02:00"
    assert [
        (a["agent"], a["name"], a["state_label"], a["handled_today"], a["daily_target"])
        for a in board["agents"]
    ] == [
        (
            row.session.agent.username,
            str(row.session.agent),
            str(row.session.get_state_display()),
            row.handled_today,
            row.target,
        )
        for row in page.agents
    ]
    assert {a["agent"]: a["handled_today"] for a in board["agents"]}["agent3"] == 1
    assert [(a["id"], a["rule"], a["kind"], a["agent"]) for a in board["alerts"]] == [
        (alert.pk, alert.rule, alert.kind, alert.agent.username if alert.agent else None)
        for alert in page.alerts
    ]
    assert sorted(a["kind"] for a in board["alerts"]) == [
        "break_overrun",
        "break_overrun",
        "override",
        "talk_over",  # A1: agent3 has talked for 16 min
    ]
    assert {a["raised_at"] for a in board["alerts"]} == {
        "2026-11-23T10:00:00+02:00",  # the override
        "2026-11-23T10:16:00+02:00",  # the overruns and the long call
    }
    assert "<td>10:16</td>" in html
    assert "<td>08:16</td>" not in html
    assert all(a["raised_at"].endswith(SOFIA) for a in board["alerts"])
    assert all(a["since"].endswith(SOFIA) for a in board["agents"])
    kpis = board["kpis"]
    assert kpis["service_level"] == page.kpis.service_level_strict
    assert kpis["over_limit_calls"] == page.kpis.over_limit_calls


def test_wallboard_is_for_team_leads_and_shows_only_their_team(floor, clock, lead2):
    ready(floor, "agent1", "agent5")
    arrive(floor, "pbx-r-1", "repairs")
    arrive(floor, "pbx-i-1", "installations")
    for role in ("agent1", "pbx", "manager", "customer1"):
        refused = floor(role, "get", "/floor/wallboard")
        assert refused.status_code == 403, role
        assert "team" not in refused.json()
    theirs = floor("lead2", "get", "/floor/wallboard").json()
    assert theirs["team"] == "Installations"
    assert [a["agent"] for a in theirs["agents"]] == ["agent5"]
    assert {w["queue"] for w in theirs["waiting"]} <= {"installations"}
    ours = floor("lead", "get", "/floor/wallboard").json()
    assert [a["agent"] for a in ours["agents"]] == ["agent1"]


def test_desk_is_one_s_own_and_refuses_other_roles(floor, clock):
    ready(floor, "agent1", "agent2")
    arrive(floor, "pbx-own")
    answer(floor, "agent1")
    other = _desk(floor, "agent2")
    assert (other["call"], other["offer"], other["talk"]) == (None, None, None)
    for role in ("manager", "pbx", "dispatcher"):
        assert floor(role, "get", "/floor/desk").status_code == 403, role


def test_desk_and_wallboard_refuse_bad_methods_and_unknown_operations(floor, clock):
    ready(floor, "agent1")
    for who, path in (("agent1", "/floor/desk"), ("lead", "/floor/wallboard")):
        response = floor(who, "post", path, {"x": 1})
        assert response.status_code == 405
        assert "detail" in response.json()
    assert floor("agent1", "post", "/floor/transfers/999999/accept").status_code in (404, 409)
    assert floor("agent1", "post", "/floor/offers/999999/accept").status_code in (404, 409)
    assert _desk(floor, "agent1")["state"]["state"] == "ready"


def test_b8_a4_the_desktop_operations_answer_in_sofia_time(floor, clock):
    login = floor("agent1", "post", "/floor/login").json()
    assert login["since"] == "2026-11-23T10:00:00+02:00"
    clock.advance(seconds=5)
    assert floor("agent1", "post", "/floor/ready").json()["since"] == "2026-11-23T10:00:05+02:00"
    arrive(floor, "pbx-tz")
    call = answer(floor, "agent1")
    ready(floor, "agent2")
    asked = floor(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "x"},
    ).json()
    assert asked["expires_at"] == "2026-11-23T10:00:25+02:00"
    promised = floor(
        "agent1",
        "post",
        "/floor/callbacks",
        {
            "queue": "repairs",
            "number": "+359 2 981 2222",
            "window_start": "2026-11-23T12:00:00Z",
            "window_end": "2026-11-23T13:00:00Z",
        },
    )
    assert promised.status_code == 200, promised.content
    body = promised.json()
    assert (body["window_start"], body["window_end"]) == (
        "2026-11-23T14:00:00+02:00",
        "2026-11-23T15:00:00+02:00",
    )
