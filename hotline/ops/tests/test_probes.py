"""Issue 19: /healthz and /readyz through HTTP: each check's state, 200 or 503, public, and
nothing in them a stranger could use."""

import os
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection

from hotline.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def worker_once() -> None:
    """`hotline worker --once` on this machine (the command refuses the development key). Its
    task batch is left out: django-tasks-db's runner closes the database connection, which
    would end the test's transaction on PostgreSQL."""
    command = "hotline.management.commands.worker"
    with (
        mock.patch(f"{command}.development_key_refusal", return_value=""),
        mock.patch(f"{command}.run_batch"),
    ):
        call_command("worker", "--once")


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert answer["Cache-Control"] == "no-store"


def test_readyz_without_a_worker_is_not_ready(client, centre, clock, settings):
    settings.REDIS_URL = ""  # not configured: not checked
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {
        "status": "down",
        "checks": {"database": "ok", "redis": "off", "worker": "stale", "sip_edge": "off"},
    }


def test_readyz_is_ready_while_a_worker_beats_and_not_after(client, centre, clock, settings):
    settings.HOTLINE_WORKER_STALE_SECONDS = 30
    worker_once()  # writes its heartbeat at the clock's time
    assert WorkerHeartbeat.objects.count() == 1
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["checks"]["worker"] == "ok"
    clock.advance(seconds=31)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["worker"] == "stale"


def test_readyz_says_the_database_is_down_and_tells_nothing_more(client, centre, clock):
    worker_once()
    with mock.patch.object(connection, "cursor", side_effect=RuntimeError("secret-host:5432")):
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == "down"
    assert b"secret-host" not in answer.content


def test_readyz_checks_redis_when_configured(client, centre, clock, settings):
    worker_once()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["redis"] == "down"
    assert b"127.0.0.1" not in answer.content


@pytest.mark.skipif(not os.environ.get("HOTLINE_REDIS_URL"), reason="needs Redis")
def test_readyz_says_redis_is_up(client, centre, clock):
    worker_once()
    answer = client.get("/readyz")
    assert (answer.status_code, answer.json()["checks"]["redis"]) == (200, "ok")


def test_readyz_checks_the_sip_edge_when_watched(client, centre, clock, settings):
    worker_once()
    settings.HOTLINE_VOICE_EDGE_CHECK = True
    with mock.patch("hotline.voice.edge_watch.edge_down_now", return_value=["kamailio"]):
        answer = client.get("/readyz")
    assert (answer.status_code, answer.json()["checks"]["sip_edge"]) == (503, "down")
    with mock.patch("hotline.voice.edge_watch.edge_down_now", return_value=[]):
        answer = client.get("/readyz")
    assert (answer.status_code, answer.json()["checks"]["sip_edge"]) == (200, "ok")


def test_probes_pass_the_host_check_and_the_https_redirect(client, centre, clock, settings):
    # The load balancer asks an app process at its own address over plain HTTP.
    settings.ALLOWED_HOSTS = ["hotline.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.7:8001").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7:8001").status_code in (200, 503)
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.7:8001").status_code == 400


def test_a_stopped_worker_takes_its_heartbeat_away(centre, clock):
    from hotline.ops.heartbeat import heartbeat_beat, heartbeat_end, worker_alive

    now = clock()
    heartbeat_beat(worker="host:1", now=now, started_at=now)
    heartbeat_beat(worker="old:2", now=now - timedelta(days=2), started_at=now)  # gone for good
    heartbeat_beat(worker="host:3", now=now, started_at=now)  # ...forgotten at the next beat
    assert set(WorkerHeartbeat.objects.values_list("name", flat=True)) == {"host:1", "host:3"}
    heartbeat_end(worker="host:1")
    heartbeat_end(worker="host:3")
    assert not worker_alive(now)
