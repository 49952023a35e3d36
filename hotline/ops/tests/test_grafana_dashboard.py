"""Issue 19: the floor's Grafana dashboard (deploy/grafana/hotline-floor.json) is a dashboard
Grafana can import, shows what the floor needs, and queries only series /metrics exports."""

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hotline.calls.models import Offer, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, offer_accept
from hotline.tests.deploy_files import DEPLOY

DASHBOARD = DEPLOY / "grafana" / "hotline-floor.json"
METRIC_NAME = re.compile(r"\bhotline_[a-z0-9_]+\b")
# What the floor watches (issue 19): each must be on the dashboard.
FLOOR = {
    "hotline_calls_waiting",
    "hotline_longest_wait_seconds",
    "hotline_agents",
    "hotline_service_level",
    "hotline_request_seconds_bucket",
    "hotline_deadlines_overdue",
    "hotline_deadline_lag_seconds",
    "hotline_notices_queued",
    "hotline_notices_failed",
}


def dashboard() -> dict[str, Any]:
    board: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return board


def queried_names() -> set[str]:
    return {
        name
        for panel in dashboard()["panels"]
        for target in panel["targets"]
        for name in METRIC_NAME.findall(target["expr"])
    }


def test_the_dashboard_is_one_grafana_imports():
    board = dashboard()
    assert board["uid"] == "hotline-floor"
    (source,) = board["templating"]["list"]
    assert (source["type"], source["query"], source["name"]) == (
        "datasource",
        "prometheus",
        "datasource",
    )
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}"
        box = panel["gridPos"]
        assert box["x"] + box["w"] <= 24
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].count("(") == target["expr"].count(")"), target["expr"]


def test_the_dashboard_shows_what_the_floor_watches():
    assert queried_names() >= FLOOR


@pytest.mark.django_db
def test_every_metric_the_dashboard_queries_is_exported_by_metrics(client, centre, clock):
    # A floor with an answered call (so today's service level has a value) and a request seen.
    now = clock()
    repairs = Queue.objects.get(code="repairs")
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    call_arrive(now=now, queue=repairs, caller_number="+359 88 1000005")
    offer = Offer.objects.get(agent=centre["agent1"])
    offer_accept(actor=centre["agent1"], now=now + timedelta(seconds=5), offer_id=offer.pk)
    clock.advance(seconds=30)
    assert client.get("/healthz").status_code == 200
    answer = client.get("/metrics")
    assert answer.status_code == 200
    exported = {
        sample.name
        for family in text_string_to_metric_families(answer.content.decode())
        for sample in family.samples
    }
    missing = queried_names() - exported
    assert not missing, f"the dashboard queries series /metrics does not export: {missing}"
