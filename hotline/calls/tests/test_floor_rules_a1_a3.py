"""A1 at every scope and every place that reads it; A2's breach stays with the queue that
breached; A3's credit stays with the agent who answered (B10 counted apart). Driven over the
API and the pages, in Sofia time, with a clock that moves."""

from datetime import date
from typing import Any

import pytest

from hotline.accounts.models import Team
from hotline.audit.models import Event
from hotline.calls.models import Alert, Queue
from hotline.calls.tests.floor_http import answer, arrive, ready, set_rule

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


def _report_rows(client: Any, user: Any) -> dict[str, dict[str, Any]]:
    """The daily report's row of each agent it shows (seen by `user`), by username."""
    client.force_login(user)
    response = client.get("/reports/daily/", {"day": MONDAY.isoformat(), "format": "json"})
    client.logout()
    assert response.status_code == 200, response.content
    rows = response.json()["sections"]["agents"]["rows"]
    by_name: dict[str, dict[str, Any]] = {}
    for agent in user.__class__.objects.filter(role="agent"):
        name = agent.get_full_name() or agent.get_username()
        row = next((r for r in rows if r["agent"] == name), None)
        if row is not None:  # the report shows only the agents `user` may see
            by_name[agent.username] = row
    return by_name


# A1: (scope under test, the overrides laid down). In each case a Repairs call may last 5 min
# with a warning at 50 %; the more specific scope always beats a looser one set beside it.
A1_SCOPES = {
    "centre": [("deployment", "", "5", "50")],
    "team": [("deployment", "", "20", "90"), ("team", "repairs", "5", "50")],
    "queue": [("team", "repairs", "20", "90"), ("queue", "repairs", "5", "50")],
}


def _ref(kind: str, name: str) -> object:
    if kind == "team":
        return Team.objects.get(name=name.title()).pk
    if kind == "queue":
        return Queue.objects.get(code=name).pk
    return ""


@pytest.mark.parametrize("scope", sorted(A1_SCOPES))
def test_a1_limit_is_resolved_queue_team_centre_at_every_reading_place(
    floor, clock, client, centre, lead2, scope
):
    for kind, name, limit, share in A1_SCOPES[scope]:
        set_rule(floor, "a1.max_talk", limit, kind, _ref(kind, name))
        set_rule(floor, "a1.warning_share", share, kind, _ref(kind, name))
    ready(floor, "agent1", "agent5")
    arrive(floor, "pbx-a1-rep", "repairs")
    arrive(floor, "pbx-a1-ins", "installations")
    call = answer(floor, "agent1")
    answer(floor, "agent5")

    # The desk timer: the limit and warning of the call's queue/team, times in Sofia.
    clock.advance(minutes=2, seconds=20)
    desk = floor("agent1", "get", "/floor/desk").json()
    assert desk["talk"]["max_talk_s"] == 300
    assert desk["talk_level"] == "ok"
    assert desk["talk"]["limit_at"] == "2026-11-23T10:05:00+02:00"
    assert desk["talk"]["warn_at"] == "2026-11-23T10:02:30+02:00"
    clock.advance(seconds=20)
    assert floor("agent1", "get", "/floor/desk").json()["talk_level"] == "warning"
    clock.tick()  # the worker: A1's warning to the agent at the share, no alert yet
    assert Event.objects.filter(action="talk_warning", entity_id=str(call["id"])).exists()
    assert not Alert.objects.filter(rule="A1").exists()

    # The alert: at the limit the team lead is alerted, on the wallboard.
    clock.advance(minutes=2, seconds=30)  # 5:10 of talk
    clock.tick()
    board = floor("lead", "get", "/floor/wallboard").json()
    assert [(a["rule"], a["kind"], a["agent"]) for a in board["alerts"]] == [
        ("A1", "talk_over", "agent1")
    ]
    assert board["alerts"][0]["raised_at"] == "2026-11-23T10:05:10+02:00"
    # The other team's call keeps the other team's limit (only the centre scope reaches it).
    ins_alerts = floor("lead2", "get", "/floor/wallboard").json()["alerts"]
    assert [a["rule"] for a in ins_alerts] == (["A1"] if scope == "centre" else [])

    # The over-limit count: wallboard and daily report, for the call's own limit.
    clock.advance(minutes=1)  # both calls end after 6:10 of talk
    assert floor("agent1", "post", f"/floor/calls/{call['id']}/end").status_code == 200
    ins_call = floor("agent5", "get", "/floor/desk").json()["call"]
    assert floor("agent5", "post", f"/floor/calls/{ins_call['id']}/end").status_code == 200
    assert floor("lead", "get", "/floor/wallboard").json()["kpis"]["over_limit_calls"] == 1
    expected_ins = 1 if scope == "centre" else 0
    assert (
        floor("lead2", "get", "/floor/wallboard").json()["kpis"]["over_limit_calls"] == expected_ins
    )
    rows = _report_rows(client, centre["manager"])
    assert rows["agent1"]["over_limit"] == 1
    assert rows["agent5"]["over_limit"] == expected_ins


def test_a1_review_form_shows_the_limit_of_the_call_s_team(floor, clock, client, centre):
    set_rule(floor, "a1.max_talk", "5", "team", _ref("team", "repairs"))
    ready(floor, "agent1")
    arrive(floor, "pbx-a1-review")
    call = answer(floor, "agent1")
    clock.advance(minutes=6)
    floor("agent1", "post", f"/floor/calls/{call['id']}/end")
    centre["lead"].language = "en"
    centre["lead"].save(update_fields=["language"])
    client.force_login(centre["lead"])
    page = client.get(f"/floor/reviews/call/{call['id']}/").content.decode()
    assert "(limit 5 min)" in page or "(limit 5" in page
    assert "talk-over" in page


def test_a1_bad_scope_is_refused_and_nothing_changes(floor, centre):
    response = floor(
        "admin",
        "put",
        "/rulebook/a1.max_talk",
        {"value": "5", "reason": "x", "scope": "zone", "scope_ref": "urban"},
    )
    assert response.status_code == 422
    assert response.json()["rule"] == "A1"
    listed = {r["key"]: r for r in floor("admin", "get", "/rulebook").json()}
    assert listed["a1.max_talk"]["overrides"] == []
    assert listed["a1.max_talk"]["scopes"] == ["deployment", "queue", "team"]


# A2 --------------------------------------------------------------------------------------------


def test_a2_an_overflow_is_a_breach_of_the_queue_that_breached(floor, clock, centre, lead2):
    repairs, installations = (
        Queue.objects.get(code="repairs"),
        Queue.objects.get(code="installations"),
    )
    repairs.overflow_to = installations
    repairs.save(update_fields=["overflow_to"])
    set_rule(floor, "a2.max_wait", "30 s", "queue", repairs.pk)
    ready(floor, "agent5")  # nobody serves Repairs
    arrive(floor, "pbx-a2")
    clock.advance(seconds=31)
    clock.tick()  # A2: the call overflows to Installations and rings agent5
    clock.advance(seconds=4)
    answer(floor, "agent5")

    breached = floor("lead", "get", "/floor/wallboard").json()
    assert breached["kpis"]["service_level"] == 0.0  # one call, a breach
    assert breached["kpis"]["service_level_answered"] is None  # Repairs answered none
    assert [(a["rule"], a["kind"]) for a in breached["alerts"]] == [("A2", "wait_breach")]
    received = floor("lead2", "get", "/floor/wallboard").json()
    assert received["kpis"]["service_level"] == 1.0  # answered 4 s after it came in
    assert received["kpis"]["average_speed_of_answer_s"] == 4.0


def test_a2_an_overflowed_call_abandoned_counts_for_the_receiving_queue(
    floor, clock, centre, lead2
):
    repairs, installations = (
        Queue.objects.get(code="repairs"),
        Queue.objects.get(code="installations"),
    )
    repairs.overflow_to = installations
    repairs.save(update_fields=["overflow_to"])
    set_rule(floor, "a2.max_wait", "30 s", "queue", repairs.pk)
    arrive(floor, "pbx-a2-ab")
    clock.advance(seconds=31)
    clock.tick()
    clock.advance(seconds=40)
    assert floor("pbx", "post", "/cti/calls/pbx-a2-ab/abandoned").status_code == 200
    assert floor("lead", "get", "/floor/wallboard").json()["kpis"]["abandonment"] == 0.0
    received = floor("lead2", "get", "/floor/wallboard").json()["kpis"]
    assert (received["abandonment"], received["service_level"]) == (1.0, 0.0)


# A3 / B10 --------------------------------------------------------------------------------------


def test_a3_the_agent_who_answered_keeps_the_credit_after_a_take_over(floor, clock, client, centre):
    ready(floor, "agent1")
    assert floor("lead", "post", "/floor/login").status_code == 200
    arrive(floor, "pbx-a3")
    call = answer(floor, "agent1")
    clock.advance(minutes=2)
    taken = floor("lead", "post", f"/floor/calls/{call['id']}/take-over", {"reason": "VIP"})
    assert taken.status_code == 200, taken.content
    clock.advance(minutes=1)
    assert floor("lead", "post", f"/floor/calls/{call['id']}/end").status_code == 200

    agent_desk = floor("agent1", "get", "/floor/desk").json()
    assert (agent_desk["handled_today"], agent_desk["taken_over_today"]) == (1, 0)
    lead_desk = floor("lead", "get", "/floor/desk").json()
    assert (lead_desk["handled_today"], lead_desk["taken_over_today"]) == (0, 1)
    rows = {a["agent"]: a for a in floor("lead", "get", "/floor/wallboard").json()["agents"]}
    assert (rows["agent1"]["handled_today"], rows["agent1"]["taken_over_today"]) == (1, 0)
    assert (rows["lead"]["handled_today"], rows["lead"]["taken_over_today"]) == (0, 1)
    report = _report_rows(client, centre["lead"])
    assert (report["agent1"]["handled"], report["agent1"]["taken_over"]) == (1, 1)

    centre["lead"].language = "en"
    centre["lead"].save(update_fields=["language"])
    client.force_login(centre["lead"])
    page = client.get("/floor/wallboard/panel/").content.decode()
    assert "+ 1 taken over" in page


def test_a3_a_transfer_leaves_the_credit_with_the_agent_who_answered(floor, clock):
    ready(floor, "agent1", "agent2")
    arrive(floor, "pbx-a3-t")
    call = answer(floor, "agent1")
    made = floor(
        "agent1",
        "post",
        f"/floor/calls/{call['id']}/transfer",
        {"to_agent": "agent2", "reason": "billing"},
    ).json()
    assert floor("agent2", "post", f"/floor/transfers/{made['id']}/accept").status_code == 200
    assert floor("agent1", "get", "/floor/desk").json()["handled_today"] == 1
    assert floor("agent2", "get", "/floor/desk").json()["handled_today"] == 0


def test_b10_take_over_of_another_team_s_call_is_refused_and_credit_unchanged(floor, clock, lead2):
    ready(floor, "agent1")
    floor("lead2", "post", "/floor/login")
    arrive(floor, "pbx-b10")
    call = answer(floor, "agent1")
    refused = floor("lead2", "post", f"/floor/calls/{call['id']}/take-over", {"reason": "x"})
    assert refused.status_code == 404
    assert floor("agent1", "get", "/floor/desk").json()["call"]["agent"] == "agent1"
    assert floor("lead2", "get", "/floor/desk").json()["taken_over_today"] == 0


def test_d7_the_daily_report_json_speaks_sofia_time(floor, clock, client, centre):
    client.force_login(centre["manager"])
    response = client.get("/reports/daily/", {"day": MONDAY.isoformat(), "format": "json"})
    body = response.json()
    assert body["start"] == "2026-11-23T00:00:00+02:00"
    assert body["end"] == "2026-11-24T00:00:00+02:00"
    assert body["generated_at"] == "2026-11-23T10:00:00+02:00"


@pytest.mark.parametrize("scope", ["team", "queue"])
def test_a1_monthly_report_counts_each_call_against_its_own_limit(
    floor, clock, client, in_english, scope
):
    set_rule(floor, "a1.max_talk", "5", scope, _ref(scope, "repairs"))
    ready(floor, "agent1", "agent5")
    arrive(floor, "pbx-m-rep", "repairs")
    arrive(floor, "pbx-m-ins", "installations")
    calls = [answer(floor, "agent1"), answer(floor, "agent5")]
    clock.advance(minutes=6)  # over Repairs' 5 min, within Installations' 15
    for who, call in zip(("agent1", "agent5"), calls, strict=True):
        assert floor(who, "post", f"/floor/calls/{call['id']}/end").status_code == 200
    client.force_login(in_english["manager"])
    response = client.get("/reports/monthly/", {"month": "2026-11", "format": "json"})
    assert response.status_code == 200, response.content
    rows = response.json()["sections"]["floor"]["rows"]
    figures = {r["figure"]: r["value"] for r in rows}
    assert figures["Calls over the limit (A1)"] == 1
    assert figures["Calls answered"] == 2
