from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_signin_counts() -> Iterator[None]:
    """Sign-in counts live in the cache, which outlives a test's database transaction."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class Clock:
    """Stands in for `hotline.clock.now`; `advance(minutes=...)` moves it on."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Clock:
    moving = Clock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def password(centre: dict[str, Any]) -> str:
    """Every demo user's password."""
    return "hotline-demo"


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Clock:
    """Stands in for the wall time sessions go idle by (`hotline.accounts.middleware.wall_now`)."""
    moving = Clock(now)
    monkeypatch.setattr("hotline.accounts.middleware.wall_now", moving)
    return moving
