"""Prometheus metrics (prometheus-client). Two kinds:

- Per request, in the process that served it: `hotline_request_seconds`, a latency histogram
  by route (the URL pattern that matched, not the path: a bounded set), method and status
  class. With several server processes (`hotline serve --workers`, several units) each keeps
  its own counts, so PROMETHEUS_MULTIPROC_DIR must name a folder they share (prometheus-client's
  multiprocess mode, docs/deploy.md): any process then answers /metrics with the sum of all.
- The floor, the deadlines, the notices and the workers: read from the database when /metrics
  is scraped (FloorCollector), so they are right whichever process or host answers, and cost
  nothing between scrapes.

/metrics is for the monitoring system only: with HOTLINE_METRICS_TOKEN set, a request must
carry it as a bearer token; without it, only a direct request from this machine (loopback, not
forwarded by a proxy) is answered."""

import hmac
import os
import time
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hotline import clock
from hotline.accounts.models import Team
from hotline.calls.choices import CallState
from hotline.calls.models import AgentSession, Call, Queue
from hotline.calls.selectors import local_day_start, team_kpis
from hotline.core.agent_states import AgentState
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.notices.choices import NoticeChannel, NoticeState
from hotline.notices.models import Notice
from hotline.ops.cache import UNAVAILABLE as CACHE_UNAVAILABLE  # exported at 0 too
from hotline.ops.heartbeat import heartbeat_ages
from hotline.replica import FALLBACKS as REPLICA_FALLBACKS  # exported at 0 too

REQUEST_SECONDS = Histogram(
    "hotline_request_seconds",
    "Time to answer a request (to its headers, for a stream), by URL route.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
LOOPBACK = frozenset({"127.0.0.1", "::1"})
# Counted where they happen; imported here so that /metrics shows them from the start (at 0,
# with no replica or no Redis configured), which dashboards and alerts expect.
OPERATIONS_COUNTERS = (CACHE_UNAVAILABLE, REPLICA_FALLBACKS)


def observe(route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(seconds)


class FloorCollector(Collector):
    """The gauges read from the database at scrape time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        started = time.perf_counter()
        yield from self._calls()
        yield from self._agents()
        yield from self._service_level()
        yield from self._deadlines()
        yield from self._notices()
        yield from self._workers()
        took = GaugeMetricFamily(
            "hotline_metrics_collect_seconds", "Time the database-backed metrics took to read."
        )
        took.add_metric([], time.perf_counter() - started)
        yield took

    def _calls(self) -> Iterator[GaugeMetricFamily]:

        waiting = GaugeMetricFamily(
            "hotline_calls_waiting",
            "Calls waiting for an agent (ringing included).",
            labels=["queue"],
        )
        longest = GaugeMetricFamily(
            "hotline_longest_wait_seconds",
            "How long the longest-waiting call has waited.",
            labels=["queue"],
        )
        rows = {
            row["queue__code"]: row
            for row in Call.objects.filter(state__in=[CallState.WAITING, CallState.OFFERED])
            .values("queue__code")
            .annotate(calls=Count("pk"), first=Min("arrived_at"))
        }
        for code in Queue.objects.order_by("code").values_list("code", flat=True):
            row = rows.get(code)
            waiting.add_metric([code], row["calls"] if row else 0)
            wait = (self.now - row["first"]).total_seconds() if row else 0.0
            longest.add_metric([code], max(wait, 0.0))
        yield waiting
        yield longest

    def _agents(self) -> Iterator[GaugeMetricFamily]:

        agents = GaugeMetricFamily(
            "hotline_agents", "Agents on the floor by team and state.", labels=["team", "state"]
        )
        counts = {
            (team, state): n
            for team, state, n in AgentSession.objects.exclude(state=AgentState.LOGGED_OUT)
            .values_list("team__name", "state")
            .annotate(n=Count("pk"))
        }
        for team in Team.objects.order_by("name").values_list("name", flat=True):
            for state in AgentState:
                if state != AgentState.LOGGED_OUT:
                    agents.add_metric([team, state.value], counts.get((team, state.value), 0))
        yield agents

    def _service_level(self) -> Iterator[GaugeMetricFamily]:

        level = GaugeMetricFamily(
            "hotline_service_level",
            "Today's service level (answered within the threshold / offered), as the wallboard "
            "shows it; absent before the first call of the day.",
            labels=["team"],
        )
        for team in Team.objects.select_related("site__calendar").order_by("name"):
            kpis = team_kpis(team, local_day_start(team, self.now), self.now)
            if kpis.service_level_strict is not None:
                level.add_metric([team.name], kpis.service_level_strict)
        yield level

    def _deadlines(self) -> Iterator[GaugeMetricFamily]:

        due = Deadline.objects.filter(state=DeadlineState.PENDING, due_at__lte=self.now).aggregate(
            n=Count("pk"), first=Min("due_at")
        )
        backlog = GaugeMetricFamily(
            "hotline_deadlines_overdue", "Pending deadlines whose time has come (not fired yet)."
        )
        backlog.add_metric([], due["n"])
        lag = GaugeMetricFamily(
            "hotline_deadline_lag_seconds", "How late the oldest overdue deadline is."
        )
        lag.add_metric([], (self.now - due["first"]).total_seconds() if due["first"] else 0.0)
        yield backlog
        yield lag

    def _notices(self) -> Iterator[GaugeMetricFamily]:

        queued = GaugeMetricFamily(
            "hotline_notices_queued",
            "Notices waiting to be sent (or being sent).",
            labels=["channel"],
        )
        failed = GaugeMetricFamily(
            "hotline_notices_failed", "Notices that failed for good.", labels=["channel"]
        )
        counts = {
            (channel, state): n
            for channel, state, n in Notice.objects.filter(
                state__in=[NoticeState.QUEUED, NoticeState.SENDING, NoticeState.FAILED]
            )
            .values_list("channel", "state")
            .annotate(n=Count("pk"))
        }
        for channel in NoticeChannel.values:
            waiting = counts.get((channel, NoticeState.QUEUED), 0)
            waiting += counts.get((channel, NoticeState.SENDING), 0)
            queued.add_metric([channel], waiting)
            failed.add_metric([channel], counts.get((channel, NoticeState.FAILED), 0))
        yield queued
        yield failed

    def _workers(self) -> Iterator[GaugeMetricFamily]:

        ages = heartbeat_ages(self.now)
        age = GaugeMetricFamily(
            "hotline_worker_heartbeat_age_seconds", "Seconds since the freshest worker was seen."
        )
        age.add_metric([], min(ages.values()) if ages else float("inf"))
        workers = GaugeMetricFamily("hotline_workers", "Worker processes known (seen in a day).")
        workers.add_metric([], len(ages))
        yield age
        yield workers


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition(now: datetime) -> bytes:
    """Every metric, in Prometheus' text format."""
    if multiprocess_mode():
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)  # type: ignore[no-untyped-call]
        own = generate_latest(requests)
    else:
        own = generate_latest(REGISTRY)
    floor = CollectorRegistry()
    floor.register(FloorCollector(now))
    return own + generate_latest(floor)


def _allowed(request: HttpRequest) -> HttpResponse | None:
    """None when the caller may read the metrics, else the refusal."""
    token = settings.HOTLINE_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if given and hmac.compare_digest(given.encode(), token.encode()):
            return None
        refusal = JsonResponse({"detail": _("The metrics need the monitoring token.")}, status=401)
        refusal["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refusal
    direct = "X-Forwarded-For" not in request.headers and "X-Real-IP" not in request.headers
    if direct and request.META.get("REMOTE_ADDR") in LOOPBACK:
        return None
    return JsonResponse(
        {"detail": _("The metrics are answered only on this machine, or with the token.")},
        status=403,
    )


def metrics(request: HttpRequest) -> HttpResponse:
    if refusal := _allowed(request):
        return refusal
    return HttpResponse(exposition(clock.now()), content_type=CONTENT_TYPE_LATEST)
