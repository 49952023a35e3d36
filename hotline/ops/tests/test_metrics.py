"""Issue 19: /metrics through HTTP: who may read it, latency by route (the pattern, not the
path), the floor's gauges read from the database at scrape time, and a middleware cheap enough
for the voice hot path."""

import time
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from hotline.calls.models import Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive
from hotline.ops.middleware import RequestObservationMiddleware

pytestmark = pytest.mark.django_db


def scrape(client, **extra) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = client.get("/metrics", **extra)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.content.decode())
        for sample in family.samples
    }


def requests_seen(route: str, method: str = "GET", status: str = "2xx") -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value("hotline_request_seconds_count", labels) or 0.0


def test_metrics_from_this_machine_only_without_a_token(client, centre):
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    # through the proxy on this machine: a stranger's request, forwarded
    forwarded = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forwarded.status_code == 403
    assert "detail" in forwarded.json()


def test_metrics_with_a_token_need_it_from_everywhere(client, centre, settings):
    settings.HOTLINE_METRICS_TOKEN = "t0ken-for-prometheus"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    good = {"HTTP_AUTHORIZATION": "Bearer t0ken-for-prometheus", "REMOTE_ADDR": "10.1.2.3"}
    assert "hotline_calls_waiting" in str(scrape(client, **good))


def test_request_latency_is_counted_by_route_pattern(client, centre, token_for):
    client.force_login(centre["manager"])
    before = requests_seen("/reports/monthly/")
    unmatched = requests_seen("<unmatched>", status="4xx")
    client.get("/reports/monthly/")
    client.get("/no-such-page/1")
    client.get("/no-such-page/2")
    assert requests_seen("/reports/monthly/") == before + 1
    assert requests_seen("<unmatched>", status="4xx") == unmatched + 2
    # an API route with an id counts under its pattern, whatever the id
    ticket = "/api/v1/tickets/<ticket_id>"
    seen = requests_seen(ticket, status="4xx")
    bearer = f"Bearer {token_for(centre['manager'])}"
    for made_up in (91001, 91002):
        client.get(f"/api/v1/tickets/{made_up}", HTTP_AUTHORIZATION=bearer)
    assert requests_seen(ticket, status="4xx") == seen + 2
    routes = {
        dict(labels)["route"]
        for (name, labels) in scrape(client)
        if name == "hotline_request_seconds_count"
    }
    assert not {route for route in routes if "9100" in route or "no-such-page" in route}


def test_floor_gauges_are_read_at_scrape_time(client, centre, clock):
    now = clock()
    repairs = Queue.objects.get(code="repairs")
    agent_log_in(actor=centre["agent1"], now=now)
    agent_log_in(actor=centre["agent2"], now=now)
    agent_make_ready(actor=centre["agent2"], now=now)
    call_arrive(now=now, queue=repairs, caller_number="+359 88 1000001")  # offered to agent2
    call_arrive(now=now, queue=repairs, caller_number="+359 88 1000002")  # waits
    clock.advance(seconds=45)
    samples = scrape(client)
    assert samples[("hotline_calls_waiting", (("queue", "repairs"),))] == 2
    assert samples[("hotline_longest_wait_seconds", (("queue", "repairs"),))] == 45
    team = repairs.team.name
    assert samples[("hotline_agents", (("state", "offered"), ("team", team)))] == 1
    assert samples[("hotline_agents", (("state", "ready"), ("team", team)))] == 0
    assert sum(v for (n, lab), v in samples.items() if n == "hotline_agents") == 2
    assert samples[("hotline_deadlines_overdue", ())] >= 0
    assert ("hotline_notices_queued", (("channel", "email"),)) in samples
    assert samples[("hotline_workers", ())] == 0


def test_deadline_backlog_and_lag(client, centre, clock):
    from hotline.deadlines.models import Deadline

    now = clock()
    for due in (now - timedelta(minutes=2), now + timedelta(hours=1)):
        Deadline.objects.create(kind="test", rule="C1", due_at=due, created_at=now)
    samples = scrape(client)
    assert samples[("hotline_deadlines_overdue", ())] == 1
    assert samples[("hotline_deadline_lag_seconds", ())] == 120


def test_the_middleware_costs_well_under_a_tenth_of_a_millisecond(django_assert_num_queries):
    middleware = RequestObservationMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/floor/desk/", HTTP_X_REQUEST_ID="abc")
    rounds = 2000
    with django_assert_num_queries(0):
        best = min(_timed(middleware, request, rounds) for _ in range(3))
    # the bare view alone takes part of this; the middleware's own share is smaller still
    assert best / rounds < 100e-6, f"{best / rounds * 1e6:.1f} µs a request"


def _timed(middleware, request, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        middleware(request)
    return time.perf_counter() - started


def test_service_level_is_the_wallboards(client, centre, clock):
    from hotline.calls.models import Offer
    from hotline.calls.selectors import wallboard
    from hotline.calls.services.calls import offer_accept

    now = clock()
    repairs = Queue.objects.get(code="repairs")
    team = repairs.team
    assert ("hotline_service_level", (("team", team.name),)) not in scrape(client)  # no call yet
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    call_arrive(now=now, queue=repairs, caller_number="+359 88 1000003")
    offer = Offer.objects.get(agent=centre["agent1"])
    offer_accept(actor=centre["agent1"], now=now + timedelta(seconds=5), offer_id=offer.pk)
    call_arrive(now=now, queue=repairs, caller_number="+359 88 1000004")  # waits on
    clock.advance(seconds=60)
    level = scrape(client)[("hotline_service_level", (("team", team.name),))]
    assert level == wallboard(team, clock()).kpis.service_level_strict
    # answered in 5 s, within the 20 s; the call still waiting is not resolved yet (A-KPIs)
    assert level == 1.0
