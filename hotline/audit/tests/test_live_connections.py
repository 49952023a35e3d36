"""A live stream holds no database connection between its looks (PostgreSQL's pool).

With the pool (settings.database_from_url) a connection is its thread's until closed, and a
stream's thread lives as long as the stream: every open desk would hold one, and the eleventh
desk of a process would wait for a connection the others never give back."""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from hotline.audit import live
from hotline.audit.live import connection_given_back, newest_event_id

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def held_after(look: Callable[[], Awaitable[Any]]) -> bool:
    """Whether a request's thread still holds its connection after the stream's `look`, run as
    the server runs it (its sync parts in the request's thread; a thread of its own here, as
    the test's may already run an event loop)."""
    held: list[bool] = []

    def request_thread() -> None:
        connection.ensure_connection()  # what the request read before (its user, its session)
        async_to_sync(look)()
        held.append(connection.connection is not None)
        connection.close()

    thread = threading.Thread(target=request_thread)
    thread.start()
    thread.join()
    return held[0]


def test_a_streams_look_at_the_event_log_gives_its_connection_back_to_the_pool():
    assert getattr(connection, "pool", None) is not None  # PostgreSQL runs with the pool
    assert not held_after(newest_event_id)


def test_a_stream_gives_back_the_connection_its_request_used_before_streaming():
    assert not held_after(connection_given_back)


def test_with_redis_a_stream_signals_announced_events_without_reading_the_event_log(
    monkeypatch, settings
):
    """Every open desk read the event log at every event and twice a second: 200 desks
    saturated a server process and its pool (bench/load.py). With Redis the announcement
    carries the id: the log is read at the start, and again only after a quiet recheck time."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis: tools/testservers.py --redis")
    looks: list[int] = []
    read_log = live._newest_event_id

    def counted_look() -> int:
        looks.append(1)
        return read_log()

    monkeypatch.setattr(live, "_newest_event_id", counted_look)
    monkeypatch.setattr(live, "REDIS_RECHECK_SECONDS", 1.0)
    start = read_log()
    signals: list[int | None] = []

    async def desk() -> None:
        async def pbx() -> None:
            await asyncio.sleep(0.3)  # the stream is subscribed
            for n in (1, 2, 3):
                live._publish(start + n)
            await asyncio.sleep(0.3)
            live._publish(start + 4)

        announcing = asyncio.create_task(pbx())
        async for newest in live.floor_signals(start, lifetime=1.2):
            signals.append(newest)
        await announcing

    thread = threading.Thread(target=lambda: asyncio.run(desk()))
    thread.start()
    thread.join()
    assert signals[-1:] == [start + 4]
    assert None not in signals  # no heartbeat in 1.2 s
    assert signals == sorted(s for s in signals if s is not None)  # each newer than the last
    assert len(looks) == 2  # at the start, and once after 1 s without news; not per event
