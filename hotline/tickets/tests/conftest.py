"""Fixtures of the cases' tests: a clock that moves, and the API as each role calls it."""

import json
from datetime import datetime, timedelta

import pytest


class MovingClock:
    """`hotline.clock.now` for a test: it stands still until the test moves it on."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch, now) -> MovingClock:  # type: ignore[no-untyped-def]
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def call_api(client, centre, token_for):  # type: ignore[no-untyped-def]
    """`call_api(username, method, "/api/v1/...", body)` with that user's bearer token."""
    tokens: dict[str, str] = {}

    def call(username, method, path, body=None):  # type: ignore[no-untyped-def]
        if username not in tokens:
            tokens[username] = token_for(centre[username])
        return client.generic(
            method.upper(),
            path,
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[username]}",
        )

    return call
