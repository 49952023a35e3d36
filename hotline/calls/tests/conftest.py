"""The floor driven as people and the PBX drive it: over HTTP, with a clock that moves.

`clock` stands in for `hotline.clock.now` (the one place the running system reads the time);
`clock.tick()` runs the worker's floor timers at the current time, as `hotline worker` does.
"""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User

# Monday 2026-11-23, 10:00 in Sofia (UTC+2): the centre is open.
MONDAY_10_SOFIA = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


class MovingClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def tick(self) -> dict[str, int]:
        from hotline.calls.services.tick import floor_tick

        return floor_tick(self.now).fired


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> MovingClock:
    moving = MovingClock(MONDAY_10_SOFIA)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def lead2(centre: dict[str, Any]) -> User:
    """A team lead of the other team (the demo has one lead only, for Repairs)."""
    return User.objects.create(
        username="lead2",
        role=Role.TEAM_LEAD,
        first_name="Ivan",
        last_name="Ivanov",
        team=Team.objects.get(name="Installations"),
        language="en",
    )


@pytest.fixture
def floor(client: Any, centre: dict[str, Any], token_for: Any, clock: MovingClock) -> Any:
    """floor("agent1", "post", "/floor/login", {...}) against /api/v1, as that user."""
    tokens: dict[str, str] = {}

    def call(username: str, method: str, path: str, body: object = None) -> Any:
        if username not in tokens:
            tokens[username] = token_for(User.objects.get(username=username))
        return client.generic(
            method.upper(),
            path if path.startswith("/api/") else f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[username]}",
        )

    return call


def ready(floor: Any, *usernames: str) -> None:
    for username in usernames:
        assert floor(username, "post", "/floor/login").status_code == 200
        assert floor(username, "post", "/floor/ready").status_code == 200


def arrive(floor: Any, external_id: str, queue: str = "repairs") -> dict[str, Any]:
    response = floor(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": external_id, "queue": queue, "caller_number": "+359 2 981 1111"},
    )
    assert response.status_code == 201, response.content
    return response.json()


def answer(floor: Any, username: str) -> dict[str, Any]:
    """The agent answers the call ringing on their desk."""
    offer = floor(username, "get", "/floor/desk").json()["offer"]
    assert offer is not None, f"nothing rings for {username}"
    response = floor(username, "post", offer["accept"]["url"])
    assert response.status_code == 200, response.content
    return response.json()


def set_rule(floor: Any, key: str, value: str, scope: str = "deployment", ref: object = "") -> None:
    response = floor(
        "admin",
        "put",
        f"/rulebook/{key}",
        {"value": value, "reason": "acceptance test", "scope": scope, "scope_ref": str(ref)},
    )
    assert response.status_code == 200, response.content
