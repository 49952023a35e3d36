"""The probes. /healthz: this process answers (nothing else is looked at, so a database outage
does not get every app process restarted). /readyz: what the centre needs answers: the
database, Redis (when configured), a worker (its heartbeat), the SIP edge (when watched).

Both are public and answer only states ("ok", "down", "stale", "off"): no error text, host,
version or figure that would tell a stranger more than whether to send traffic here."""

import json
from collections.abc import Callable
from datetime import datetime

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from hotline import clock
from hotline.ops.heartbeat import worker_alive
from hotline.voice import edge_watch

OK, DOWN, STALE, OFF = "ok", "down", "stale", "off"
REDIS_TIMEOUT_S = 1.0


def _json(status: int, body: dict[str, object]) -> HttpResponse:
    answer = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    answer["Cache-Control"] = "no-store"
    return answer


def healthz(request: HttpRequest) -> HttpResponse:
    return _json(200, {"status": OK})


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # a broken connection is not reused by the next request
        return DOWN
    return OK


def redis_state() -> str:
    if not settings.REDIS_URL:
        return OFF
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError:
        return DOWN
    return OK


def worker_state(now: datetime) -> str:
    try:
        return OK if worker_alive(now) else STALE
    except Exception:  # the database is down: said by its own check
        return DOWN


def sip_edge_state() -> str:
    """rtpengine and Kamailio answer, asked the way the worker's edge watch asks them."""
    if not settings.HOTLINE_VOICE_EDGE_CHECK:
        return OFF
    return DOWN if edge_watch.edge_down_now() else OK


def readiness(now: datetime) -> dict[str, str]:
    checks: dict[str, Callable[[], str]] = {
        "database": database_state,
        "redis": redis_state,
        "worker": lambda: worker_state(now),
        "sip_edge": sip_edge_state,
    }
    return {name: check() for name, check in checks.items()}


def readyz(request: HttpRequest) -> HttpResponse:
    checks = readiness(clock.now())
    ready = all(state in (OK, OFF) for state in checks.values())
    return _json(200 if ready else 503, {"status": OK if ready else DOWN, "checks": checks})
