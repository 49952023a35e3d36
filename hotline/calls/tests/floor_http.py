"""The floor over HTTP, as people and the PBX drive it: the one harness of the calls tests
(`http_api`), and the steps the HTTP tests take with it. The clock is the `clock` fixture of
conftest.py (hotline.testing.clock.MovingClock)."""

import json
from typing import Any

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.calls.models import AgentSession
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


def add_other_lead(centre):
    """The team lead of Installations (the demo has a lead for Repairs only)."""
    lead = User.objects.create_user(
        "lead2", role=Role.TEAM_LEAD, team=centre["agent5"].team, language="en"
    )
    centre["lead2"] = lead
    return lead


def on_the_floor(api, *usernames):
    for username in usernames:
        assert api(username, "post", "/floor/login").status_code == 200
        assert api(username, "post", "/floor/ready").status_code == 200


def arrive(api, external_id, queue="repairs"):
    body = {"external_id": external_id, "queue": queue, "caller_number": "+359 2 1"}
    return api("pbx", "post", "/cti/calls", body).json()


def state(centre, username):
    return AgentSession.objects.get(agent=centre[username]).state


def worker(clock: MovingClock, minutes: float = 0.0) -> None:
    """What `hotline worker` does every second, `minutes` later."""
    clock.advance(minutes=minutes)
    clock.tick()


def set_rule(api, key, value, scope="deployment", ref=""):
    body = {"value": value, "reason": "pilot", "scope": scope, "scope_ref": ref}
    assert api("admin", "put", f"/rulebook/{key}", body).status_code == 200


def pbx_answered(api, external_id):
    """The PBX reports the ringing call picked up, naming the offer it rang (the CTI contract)."""
    from hotline.calls.choices import OfferOutcome
    from hotline.calls.models import Offer

    offer = Offer.objects.get(call__external_id=external_id, outcome=OfferOutcome.PENDING)
    return api("pbx", "post", f"/cti/calls/{external_id}/answered", {"offer_id": offer.pk})
