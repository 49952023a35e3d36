"""Live updates: pages learn that the floor changed, then fetch what their user may see.

The signal carries only the id of the newest event, never data, so it can't leak anything.
With HOTLINE_REDIS_URL set, every committed event is published on Redis and streams wake at
once; without it (the embedded default) streams poll the event log twice a second. With Redis
down, the change that wrote the event still succeeds (its announcement is dropped, logged) and
the streams poll as without it, until Redis answers again (bench/faults.py, docs/deploy.md).
"""

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import redis
import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from hotline.audit.models import Event

logger = logging.getLogger(__name__)
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
REDIS_TIMEOUT_S = 1.0  # a Redis that does not answer holds a request or a stream this long
CHANNEL = "hotline:events"
POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0
REDIS_RECHECK_SECONDS = 5.0  # with Redis: read the event log after this long without news


def announce(event_id: int) -> None:
    """Publish an event id once its transaction has committed (no-op without Redis)."""
    if settings.REDIS_URL:
        transaction.on_commit(lambda: _publish(event_id))


@functools.cache
def _publisher(url: str) -> redis.Redis:
    """One client (and connection pool) per process: a new connection per event would cost a
    TCP handshake for each of the several events a floor decision writes."""
    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
    )


def _publish(event_id: int) -> None:
    # After the commit: failing here would answer 500 for a change that was made. The streams
    # see the event at their next look at the log (POLL_SECONDS) instead of at once.
    try:
        _publisher(settings.REDIS_URL).publish(CHANNEL, json.dumps({"event": event_id}))
    except REDIS_DOWN as error:
        logger.warning("Redis unavailable, event %s not announced: %s", event_id, error)


async def newest_event_id() -> int:
    return await sync_to_async(_newest_event_id)()


def _newest_event_id() -> int:
    try:
        found = Event.objects.aggregate(newest=Max("id"))
    finally:
        _give_back_connection()
    return int(found["newest"] or 0)


async def connection_given_back() -> None:
    """A stream's request read what it needed (its user, its session) before it streams: the
    database connection of its thread goes back to the pool now, not when the stream ends."""
    await sync_to_async(_give_back_connection)()


def _give_back_connection() -> None:
    """With PostgreSQL's connection pool (settings.database_from_url), a connection is the
    thread's until it is closed, and a stream's thread lives as long as the stream: a page left
    open would hold a connection for hours, and ten of them would starve the process. Between
    two looks, the stream holds none. (Never inside a transaction: a test's, for one.)"""
    if getattr(connection, "pool", None) is not None and not connection.in_atomic_block:
        connection.close()


async def floor_signals(after: int, *, lifetime: float) -> AsyncIterator[int | None]:
    """Yield the newest event id whenever events newer than `after` exist; None as a heartbeat.

    Looks at least once, then ends after `lifetime` seconds; EventSource reconnects by itself.
    With Redis the announcements carry the ids: the stream reads the event log only at start
    and after REDIS_RECHECK_SECONDS without news (a lost announcement), not on every one (every
    open desk reading it at every event and twice a second saturated the server and its pool
    of connections with 200 desks: bench/load.py).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    quiet_since = loop.time()
    async with _news() as wait_for_news:
        newest = await newest_event_id()
        while True:
            if newest > after:
                after = newest
                quiet_since = loop.time()
                yield newest
            elif loop.time() - quiet_since > HEARTBEAT_SECONDS:
                quiet_since = loop.time()
                yield None
            if loop.time() >= deadline:
                return
            announced = await wait_for_news()
            newest = announced if announced is not None else await newest_event_id()


@contextlib.asynccontextmanager
async def _news() -> AsyncIterator[Callable[[], Awaitable[int | None]]]:
    """A wait for news: the newest announced event id (Redis), or None when the wait ended
    without one (then the event log is read): POLL_SECONDS without Redis or with Redis down,
    REDIS_RECHECK_SECONDS with it."""

    async def pause() -> None:
        await asyncio.sleep(POLL_SECONDS)

    if not settings.REDIS_URL:
        yield pause
        return
    client = aioredis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
    )
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(CHANNEL)
    except REDIS_DOWN as error:
        logger.warning("Redis unavailable, the live stream polls: %s", error)
        await client.aclose()
        yield pause  # as without Redis; the next stream tries it again
        return

    async def announced() -> int | None:
        loop = asyncio.get_running_loop()
        until = loop.time() + REDIS_RECHECK_SECONDS
        newest: int | None = None
        # The first announcement, then those already there: several events, one signal. (An
        # answer of None before the time is up was the subscription's own message.)
        while True:
            wait = 0.0 if newest is not None else max(until - loop.time(), 0.0)
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=wait)
            except REDIS_DOWN:  # gone while subscribed: poll until this stream ends
                await pause()
                return newest
            if message is not None:
                newest = max(newest or 0, _announced_id(message))
            elif newest is not None or loop.time() >= until:
                return newest

    try:
        yield announced
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()


def _announced_id(message: dict[str, Any]) -> int:
    try:
        return int(json.loads(message["data"])["event"])
    except (KeyError, TypeError, ValueError):
        return 0  # not ours: the next look at the event log tells
