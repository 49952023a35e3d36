"""The team lead's wallboard over HTTP (issue 17): the service level against its target (A2's
service level, `a2.service_level_target` at every scope), waiting callers against A2's maximum
wait, alerts that name the agent and are acknowledged, and today's chart per half hour.

The floor is driven as people and the PBX drive it (conftest.py: `floor`, `clock`), the page
read as the lead reads it, in the centre's zone (Europe/Sofia: Monday 10:00 is 08:00 UTC).
"""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.calls import intraday as intraday_module
from hotline.calls.choices import AlertKind
from hotline.calls.events import AlertAction, CallsEntity
from hotline.calls.intraday import PlanSlot, _plan_sources
from hotline.calls.models import Alert
from hotline.calls.tests.floor_http import answer, arrive, ready, set_rule
from hotline.testing.clock import MovingClock
from hotline.workforce.intraday import intraday_plan

pytestmark = pytest.mark.django_db


def panel(client: Any, centre: dict[str, Any], username: str = "lead") -> str:
    client.force_login(centre[username])
    response = client.get(reverse("calls:wallboard_panel"))
    assert response.status_code == 200
    return str(response.content.decode())


def service_level_kpi(page: str) -> str:
    found = re.search(
        r'<div class="kpi sl sl-(\w+)" data-testid="service-level".*?</div>\s*</div>', page, re.S
    )
    assert found, page[:2000]
    return found.group(0)


def half_in_time(floor: Any, clock: MovingClock) -> None:
    """Two calls to Repairs: one answered in 5 s, one that waits past A2 (a breach)."""
    ready(floor, "agent1")
    arrive(floor, "sl-1")
    clock.advance(seconds=5)
    answer(floor, "agent1")
    arrive(floor, "sl-2")  # agent1 is on the first call: nobody else to take it
    clock.advance(minutes=3, seconds=5)
    clock.tick()  # A2: the call overflows or becomes a callback, a breach either way


# --- service level against its target -------------------------------------------------------


def test_a2_service_level_below_the_target_is_red_and_says_so(client, in_english, floor, clock):
    half_in_time(floor, clock)
    kpi = service_level_kpi(panel(client, in_english))
    assert "sl-over" in kpi
    assert 'data-level="over"' in kpi
    assert "50 %" in kpi
    assert "target 80 %" in kpi
    assert "below target" in kpi  # words, not colour alone


@pytest.mark.parametrize(
    ("target", "level", "words"),
    [("52", "warn", "just below target"), ("50", "ok", "on target"), ("40", "ok", "on target")],
)
def test_a2_service_level_target_of_the_team(
    client, in_english, floor, clock, target, level, words
):
    set_rule(floor, "a2.service_level_target", target, "team", "Repairs")
    half_in_time(floor, clock)
    kpi = service_level_kpi(panel(client, in_english))
    assert f"sl-{level}" in kpi
    assert words in kpi
    assert f"target {target} %" in kpi


def test_a2_service_level_target_of_the_centre(client, in_english, floor, clock):
    set_rule(floor, "a2.service_level_target", "45")
    half_in_time(floor, clock)
    kpi = service_level_kpi(panel(client, in_english))
    assert "sl-ok" in kpi
    assert "target 45 %" in kpi


def test_a2_service_level_target_of_a_queue_colours_that_queue(client, in_english, floor, clock):
    set_rule(floor, "a2.service_level_target", "50", "queue", "repairs")
    half_in_time(floor, clock)
    page = panel(client, in_english)
    assert "sl-over" in service_level_kpi(page)  # the team keeps the centre's 80 %
    row = re.search(r'<tr class="sl sl-(\w+)" data-level="\w+"><td>Repairs line</td>.*?</tr>', page)
    assert row, page
    assert row.group(1) == "ok"
    assert "50 %</td>" in row.group(0)


def test_no_call_yet_is_no_colour_and_says_so(client, in_english, floor):
    kpi = service_level_kpi(panel(client, in_english))
    assert "sl-none" in kpi
    assert "no calls yet" in kpi


# --- waiting callers against A2 --------------------------------------------------------------


def waiting_row(page: str) -> str:
    found = re.search(r'<tr class="waiting wait-\w+".*?</tr>', page, re.S)
    assert found, page
    return found.group(0)


def test_a2_a_call_waiting_over_the_maximum_is_red_with_words(client, in_english, floor, clock):
    arrive(floor, "w-1")  # nobody ready: it waits
    row = waiting_row(panel(client, in_english))
    assert "wait-ok" in row
    assert 'data-level="ok"' in row
    # The browser moves the level on as the timer runs: the times it changes at are in the row.
    assert f'data-warn="{(clock.now + timedelta(minutes=2)).isoformat()}"' in row
    assert f'data-limit="{(clock.now + timedelta(minutes=3)).isoformat()}"' in row
    clock.advance(minutes=2, seconds=5)  # past 2/3 of 3 min
    row = waiting_row(panel(client, in_english))
    assert "wait-warn" in row
    assert "waiting long" in row
    assert "timer warn" in row
    clock.advance(minutes=1)  # 3:05, before the worker moved it
    row = waiting_row(panel(client, in_english))
    assert "wait-over" in row
    assert "over 3 min (A2)" in row
    assert "timer over" in row


def test_a2_the_queues_own_maximum_wait_colours_its_callers(client, in_english, floor, clock):
    set_rule(floor, "a2.max_wait", "10", "queue", "repairs")
    arrive(floor, "w-2")
    clock.advance(minutes=3, seconds=5)
    row = waiting_row(panel(client, in_english))
    assert "wait-ok" in row  # 3 min is within the queue's 10
    clock.advance(minutes=4)  # 7:05: past 2/3 of 10 min
    assert "wait-warn" in waiting_row(panel(client, in_english))


# --- alerts: named, acknowledged ---------------------------------------------------------------


@pytest.fixture
def talk_alert(floor: Any, clock: MovingClock) -> Alert:
    """A1: agent1's call runs past 15 minutes; the worker alerts the team lead."""
    ready(floor, "agent1")
    arrive(floor, "a-1")
    answer(floor, "agent1")
    clock.advance(minutes=15, seconds=5)
    clock.tick()
    return Alert.objects.get(kind=AlertKind.TALK_OVER)


def test_a1_alert_names_the_agent_and_the_lead_acknowledges_it(
    client, in_english, talk_alert, clock
):
    page = panel(client, in_english)
    row = re.search(
        rf'<tr class="alert-row" data-testid="alert" data-alert="{talk_alert.pk}".*?</tr>',
        page,
        re.S,
    )
    assert row
    assert str(in_english["agent1"]) in row.group(0)
    assert "Acknowledge" in row.group(0)
    clock.advance(minutes=1)
    response = client.post(
        reverse("calls:wallboard_acknowledge", args=[talk_alert.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    talk_alert.refresh_from_db()
    assert talk_alert.acknowledged_by == in_english["lead"]
    assert talk_alert.acknowledged_at == clock.now
    event = Event.objects.get(entity=CallsEntity.ALERT, action=AlertAction.ACKNOWLEDGED)
    assert event.actor == in_english["lead"]
    assert event.rule == "A1"
    assert event.entity_id == str(talk_alert.pk)
    assert event.new is not None
    assert event.new["agent"] == in_english["agent1"].pk
    shown = response.content.decode()
    assert 'data-testid="alert-acknowledged"' in shown
    # 10:16 in Sofia (08:16 UTC): who and when, in the centre's time
    assert f"Acknowledged by {in_english['lead']} at 10:16" in shown
    assert f'data-testid="alert" data-alert="{talk_alert.pk}"' not in shown


def test_acknowledging_without_htmx_goes_back_to_the_wallboard(client, centre, talk_alert):
    client.force_login(centre["lead"])
    response = client.post(reverse("calls:wallboard_acknowledge", args=[talk_alert.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:wallboard")


def test_acknowledging_twice_keeps_the_first(client, centre, floor, talk_alert, clock):
    assert floor("lead", "post", f"/floor/alerts/{talk_alert.pk}/acknowledge").status_code == 200
    first = Alert.objects.get(pk=talk_alert.pk).acknowledged_at
    clock.advance(minutes=5)
    again = floor("manager", "post", f"/floor/alerts/{talk_alert.pk}/acknowledge")
    assert again.status_code == 200
    assert again.json()["acknowledged_by"] == "lead"
    assert Alert.objects.get(pk=talk_alert.pk).acknowledged_at == first
    assert Event.objects.filter(entity=CallsEntity.ALERT).count() == 1


def test_api_acknowledge_by_the_teams_lead(floor, talk_alert, clock):
    response = floor("lead", "post", f"/floor/alerts/{talk_alert.pk}/acknowledge")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == talk_alert.pk
    assert body["agent"] == "agent1"
    assert body["rule"] == "A1"
    assert body["acknowledged_by"] == "lead"
    assert body["acknowledged_at"].endswith("+02:00")  # the team's site zone, Sofia


def test_api_acknowledge_by_a_manager(floor, talk_alert):
    response = floor("manager", "post", f"/floor/alerts/{talk_alert.pk}/acknowledge")
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "manager"


@pytest.mark.parametrize(
    ("username", "status"), [("lead2", 404), ("agent1", 403), ("dispatcher", 403)]
)
def test_api_acknowledge_by_another_is_refused_and_changes_nothing(
    floor, lead2, talk_alert, username, status
):
    response = floor(username, "post", f"/floor/alerts/{talk_alert.pk}/acknowledge")
    assert response.status_code == status, response.content
    assert "agent1" not in response.content.decode()
    talk_alert.refresh_from_db()
    assert talk_alert.acknowledged_at is None
    assert talk_alert.acknowledged_by is None
    assert not Event.objects.filter(entity=CallsEntity.ALERT).exists()


def test_page_acknowledge_by_another_teams_lead_is_404(client, lead2, talk_alert):
    client.force_login(lead2)
    response = client.post(reverse("calls:wallboard_acknowledge", args=[talk_alert.pk]))
    assert response.status_code == 404
    talk_alert.refresh_from_db()
    assert talk_alert.acknowledged_at is None


def test_page_acknowledge_by_an_agent_is_403(client, centre, talk_alert):
    client.force_login(centre["agent1"])
    response = client.post(reverse("calls:wallboard_acknowledge", args=[talk_alert.pk]))
    assert response.status_code == 403
    talk_alert.refresh_from_db()
    assert talk_alert.acknowledged_at is None


@pytest.mark.parametrize("alert_id", ["999999", "0", "9223372036854775808"])
def test_api_acknowledge_of_a_bad_id_is_refused(floor, centre, alert_id):
    response = floor("lead", "post", f"/floor/alerts/{alert_id}/acknowledge")
    assert response.status_code in (404, 422)
    assert "detail" in response.json()
    assert response.status_code == 404 or alert_id != "999999"
    assert not Event.objects.filter(entity=CallsEntity.ALERT).exists()


def test_page_acknowledge_of_a_missing_alert_is_404(client, centre):
    client.force_login(centre["lead"])
    assert client.post(reverse("calls:wallboard_acknowledge", args=[999999])).status_code == 404


# --- today per half hour ------------------------------------------------------------------------


def intervals(page: str) -> dict[str, int]:
    return {
        start: int(calls)
        for start, calls in re.findall(
            r'data-testid="interval" data-start="([\d:]+)" data-calls="(\d+)"', page
        )
    }


def test_intraday_counts_the_calls_of_each_half_hour_in_sofia_time(client, centre, floor, clock):
    clock.advance(minutes=5)  # 10:05 Sofia, 08:05 UTC
    arrive(floor, "i-1")
    arrive(floor, "i-2")
    clock.advance(minutes=24)  # 10:29
    arrive(floor, "i-3")
    clock.advance(minutes=2)  # 10:31
    arrive(floor, "i-4")
    clock.advance(minutes=1)
    arrive(floor, "i-5", queue="installations")  # another team's queue: not Repairs' call
    clock.advance(minutes=30)
    page = panel(client, centre)
    counts = intervals(page)
    assert counts["10:00"] == 3
    assert counts["10:30"] == 1
    assert counts["11:00"] == 0
    assert counts["08:30"] == 0
    assert "08:00" not in counts
    assert sum(counts.values()) == 4
    assert '<rect class="calls" data-start="10:00" data-calls="3"' in page
    assert "<title>10:00–10:30: 3 calls</title>" in page or "10:00–10:30" in page


def test_intraday_agents_staffed_per_half_hour(client, in_english, floor, clock):
    clock.advance(minutes=15)  # 10:15: agent1 logs in for the rest of the day
    ready(floor, "agent1")
    clock.advance(minutes=45)  # 11:00
    page = panel(client, in_english)
    rows = dict(
        re.findall(
            r'data-start="([\d:]+)" data-calls="\d+"><td>[^<]*</td><td>\d+</td>'
            r"<td>[^<]*</td><td>([^<]*)</td>",
            page,
        )
    )
    assert rows["10:00"] == "0.5"
    assert rows["10:30"] == "1.0"
    assert rows["11:00"] == "—"  # still to come


def test_intraday_shows_the_workforce_plan(client, in_english, floor, clock, monkeypatch):
    def plan(team, day):  # type: ignore[no-untyped-def]
        start = clock.now.replace(minute=0)
        return [
            PlanSlot(start, timedelta(minutes=15), 2.5, 2),
            PlanSlot(start + timedelta(minutes=15), timedelta(minutes=15), 1.5, 3),
        ]

    monkeypatch.setattr(intraday_module, "_plan_sources", [plan])
    page = panel(client, in_english)
    row = re.search(r'data-start="10:00" data-calls="0">(.*?)</tr>', page)
    assert row
    assert "<td>4.0</td><td>3</td>" in row.group(1)
    assert 'class="forecast"' in page
    assert 'class="required"' in page


def test_intraday_plan_comes_from_the_workforce_app():
    assert intraday_plan in _plan_sources  # registered in WorkforceConfig.ready()


# --- the same over the API (floor_json: the page's every figure) -----------------------------


def test_api_wallboard_carries_the_levels_the_chart_and_the_acknowledged(floor, clock):
    set_rule(floor, "a2.service_level_target", "50", "queue", "repairs")
    half_in_time(floor, clock)
    arrive(floor, "api-w")  # waits: agent1 is still on the first call
    clock.advance(minutes=2, seconds=10)
    board = floor("lead", "get", "/floor/wallboard").json()
    assert board["service_level"] == {
        "name": "Repairs",
        "value": 0.5,
        "target": 80,
        "level": "over",
        "calls": 2,
    }
    repairs = next(q for q in board["queues"] if q["name"] == "Repairs line")
    assert repairs["target"] == 50
    assert repairs["level"] == "ok"
    waiting = next(w for w in board["waiting"] if w["level"] is not None)
    assert waiting["max_wait_s"] == 180
    assert waiting["level"] == "warn"
    assert waiting["limit_at"].endswith("+02:00")
    ten = next(i for i in board["intraday"] if i["start"].startswith("2026-11-23T10:00"))
    assert ten["start"] == "2026-11-23T10:00:00+02:00"
    assert ten["calls"] == 3
    assert board["acknowledged_alerts"] == []


def test_a1_wallboard_read_while_another_process_commits_a_later_transition(floor, clock):
    """Under load (bench/load.py) a transition stamped by another process just after this
    reading's `now` is already committed when the wallboard reads the events: it belongs to
    the future and must not make the agent's time negative (it was a 500)."""
    ready(floor, "agent1")
    clock.advance(seconds=5)
    as_of_then = floor("lead", "get", "/floor/wallboard").json()["kpis"]
    clock.advance(milliseconds=40)
    arrive(floor, "race-1")  # agent1 -> ringing, stamped 40 ms after the lead's instant
    clock.advance(milliseconds=-40)  # the lead's request read its clock just before it
    response = floor("lead", "get", "/floor/wallboard")
    assert response.status_code == 200, response.content
    # The agents' time (occupancy) is as of the lead's instant: the later transition not yet.
    assert response.json()["kpis"]["occupancy"] == as_of_then["occupancy"] == 0
