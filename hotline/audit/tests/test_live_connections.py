"""A live stream holds no database connection between its looks (PostgreSQL's pool).

With the pool (settings.database_from_url) a connection is its thread's until closed, and a
stream's thread lives as long as the stream: every open desk would hold one, and the eleventh
desk of a process would wait for a connection the others never give back."""

import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

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
