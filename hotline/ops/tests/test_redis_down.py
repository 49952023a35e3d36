"""Issue 19 (faults): with Redis down, the cache fails open (the API and sign-in keep working),
a change whose event cannot be announced still answers, and the live streams poll. Before,
bench/faults.py saw every bearer-token request, then every CTI report, answer 500 for the
whole outage."""

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from prometheus_client import REGISTRY

from hotline import clock
from hotline.accounts import signin
from hotline.audit.live import floor_signals
from hotline.audit.services import event_append
from hotline.calls.models import Call
from hotline.ops.cache import FailOpenRedisCache
from hotline.testing.reference_centre import PASSWORD
from hotline.tests.deploy_machine import free_port

OPTIONS = {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}


def skipped() -> float:
    return REGISTRY.get_sample_value("hotline_cache_unavailable_total") or 0.0


@pytest.fixture
def redis_down(monkeypatch):
    """The sign-in counts' cache, on a loopback port nothing listens on."""
    dead = FailOpenRedisCache(f"redis://127.0.0.1:{free_port()}/0", OPTIONS)
    monkeypatch.setattr(signin, "cache", dead)
    return dead


def test_with_redis_down_reads_find_nothing_and_writes_are_skipped(redis_down, caplog):
    before = skipped()
    with caplog.at_level(logging.WARNING, logger="hotline.ops.cache"):
        assert redis_down.get("k", "absent") == "absent"
        redis_down.set("k", 1)
        assert redis_down.get_many(["k"]) == {}
        assert redis_down.add("k", 1) is False
        assert redis_down.delete("k") is False
    assert skipped() == before + 5
    assert "cache unavailable, get skipped" in caplog.text


@pytest.mark.django_db
def test_with_redis_down_a_bearer_token_request_is_answered(api, redis_down):
    answer = api("agent1", "get", "/floor/desk")
    assert answer.status_code == 200, answer.content


@pytest.mark.django_db
def test_with_redis_down_a_wrong_password_is_refused_and_the_right_one_signs_in(
    client, centre, redis_down
):
    wrong = client.post("/accounts/login/", {"username": "agent1", "password": "not it"})
    assert wrong.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    right = client.post("/accounts/login/", {"username": "agent1", "password": PASSWORD})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(centre["agent1"].pk)


@pytest.mark.skipif(not os.environ.get("HOTLINE_REDIS_URL"), reason="needs Redis")
def test_with_redis_up_the_cache_keeps_what_it_is_given():
    live = FailOpenRedisCache(os.environ["HOTLINE_REDIS_URL"], OPTIONS)
    before = skipped()
    live.set("hotline-test-cache", {"a": 1}, 30)
    assert live.get("hotline-test-cache") == {"a": 1}
    live.delete("hotline-test-cache")
    assert skipped() == before


@pytest.fixture
def announcements_down(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"


@pytest.mark.django_db
def test_with_redis_down_a_cti_arrival_is_answered_and_recorded(
    api, announcements_down, django_capture_on_commit_callbacks, caplog
):
    arrival = {"external_id": "redis-down-1", "queue": "repairs", "caller_number": "+359 2 1"}
    with (
        caplog.at_level(logging.WARNING, logger="hotline.audit.live"),
        django_capture_on_commit_callbacks(execute=True) as announced,
    ):
        answer = api("pbx", "post", "/cti/calls", arrival)
    assert answer.status_code == 201, answer.content
    assert announced  # the announcement ran, after the commit, and failed quietly
    assert Call.objects.get(external_id="redis-down-1").queue.code == "repairs"
    assert "Redis unavailable, event" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_live_stream_polls_the_event_log(announcements_down, caplog):
    newest = event_append(actor=None, now=clock.now(), entity="test", entity_id=1, action="x").pk

    async def first_signal() -> int | None:
        try:
            async for signal in floor_signals(0, lifetime=2):
                return signal
            return None
        finally:  # the ORM's thread keeps its connection otherwise (the test database stays)
            await sync_to_async(connections.close_all)()

    # In a thread of its own: an earlier browser test may leave an event loop in this one.
    with (
        caplog.at_level(logging.WARNING, logger="hotline.audit.live"),
        ThreadPoolExecutor(1) as pool,
    ):
        assert pool.submit(asyncio.run, first_signal()).result() == newest
    assert "the live stream polls" in caplog.text
