from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from hotline.testing.clock import MovingClock
from hotline.testing.reference_centre import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_signin_counts() -> Iterator[None]:
    """Sign-in counts live in the cache, which outlives a test's database transaction."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> MovingClock:
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def password(centre: dict[str, Any]) -> str:
    """Every reference centre user's password."""
    return PASSWORD


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch, now: datetime) -> MovingClock:
    """Stands in for the wall time sessions go idle by (`hotline.accounts.middleware.wall_now`)."""
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.accounts.middleware.wall_now", moving)
    return moving
