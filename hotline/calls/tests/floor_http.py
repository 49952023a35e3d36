"""The floor over HTTP, as people and the PBX drive it: the one harness of the calls tests
(`http_api`), and the steps the HTTP tests take with it. The clock is the `clock` fixture of
conftest.py (hotline.testing.clock.MovingClock)."""

import json
from datetime import timedelta
from typing import Any

from hotline.accounts.models import User
from hotline.calls.choices import CallbackState
from hotline.calls.models import AgentSession, Callback
from hotline.testing.clock import MovingClock


def http_api(client: Any, token_for: Any, clock: MovingClock | None = None) -> Any:
    """api("agent1", "post", "/floor/login", {...}): /api/v1 as that user, by bearer token (one
    token a user: making one is an event). With a `clock`, each request comes a second after
    the last, as people's requests do; without, the time stands still."""
    tokens: dict[str, str] = {}

    def call(username: str, method: str, path: str, body: object = None) -> Any:
        if clock is not None:
            clock.advance(seconds=1)
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


def ready(api: Any, *usernames: str) -> None:
    """The agents log in to the floor and make themselves ready."""
    for username in usernames:
        assert api(username, "post", "/floor/login").status_code == 200
        assert api(username, "post", "/floor/ready").status_code == 200


def arrive(api: Any, external_id: str, queue: str = "repairs") -> dict[str, Any]:
    """The PBX reports a new call in `queue`."""
    response = api(
        "pbx",
        "post",
        "/cti/calls",
        {"external_id": external_id, "queue": queue, "caller_number": "+359 2 981 1111"},
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def answer(api: Any, username: str) -> dict[str, Any]:
    """The agent answers the call ringing on their desk."""
    offer = api(username, "get", "/floor/desk").json()["offer"]
    assert offer is not None, f"nothing rings for {username}"
    response = api(username, "post", offer["accept"]["url"])
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def set_rule(api: Any, key: str, value: str, scope: str = "deployment", ref: object = "") -> None:
    """The administrator sets a rulebook number at a scope, as the rulebook API takes it."""
    response = api(
        "admin",
        "put",
        f"/rulebook/{key}",
        {"value": value, "reason": "acceptance test", "scope": scope, "scope_ref": str(ref)},
    )
    assert response.status_code == 200, response.content


def state(centre, username):
    return AgentSession.objects.get(agent=centre[username]).state


def worker(clock: MovingClock, minutes: float = 0.0) -> None:
    """What `hotline worker` does every second, `minutes` later."""
    clock.advance(minutes=minutes)
    clock.tick()


def pbx_answered(api, external_id):
    """The PBX reports the ringing call picked up, naming the offer it rang (the CTI contract)."""
    from hotline.calls.choices import OfferOutcome
    from hotline.calls.models import Offer

    offer = Offer.objects.get(call__external_id=external_id, outcome=OfferOutcome.PENDING)
    return api("pbx", "post", f"/cti/calls/{external_id}/answered", {"offer_id": offer.pk})


def callback_ringing(
    api: Any, clock: MovingClock, username: str = "agent1", number: str = "+359 88 1000000"
) -> Any:
    """A callback the agent promised (B8), due a minute on: the worker rings it on their desk."""
    start = clock.now + timedelta(minutes=1)
    made = api(
        username,
        "post",
        "/floor/callbacks",
        {
            "queue": "repairs",
            "number": number,
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(minutes=30)).isoformat(),
        },
    )
    assert made.status_code == 200, made.content
    worker(clock, 2)
    callback = Callback.objects.get(pk=made.json()["id"])
    assert callback.state == CallbackState.OFFERED
    return callback
