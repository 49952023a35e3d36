"""The floor's HTTP tests share this: a clock that moves, the API as a person uses it, and a
team lead of another team (the demo has a lead for Repairs only)."""

import json
from datetime import UTC, datetime, timedelta

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.calls.models import AgentSession
from hotline.calls.services.tick import floor_tick


class MovingClock:
    """hotline.clock.now, moving on: Monday 2026-11-23 10:00 in Sofia, then a second a request."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def tick(self, seconds: float = 1) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at


def moving_clock(monkeypatch):
    """The `clock` fixture of the floor's HTTP tests: hotline.clock.now patched to move."""
    moving = MovingClock()
    monkeypatch.setattr("hotline.clock.now", moving.now)
    return moving


def http_api(client, in_english, token_for, clock):
    """api("agent1", "post", "/floor/login", {...}): the user's bearer token, a second later.
    Everyone reads English here, as the tests read the words of refusals."""
    centre = in_english

    def call(username, method, path, body=None):
        clock.tick()
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_for(centre[username])}",
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


def worker(clock, minutes=0.0):
    """What `hotline worker` does every second, `minutes` later."""
    clock.tick(minutes * 60)
    floor_tick(clock.at)


def set_rule(api, key, value, scope="deployment", ref=""):
    body = {"value": value, "reason": "pilot", "scope": scope, "scope_ref": ref}
    assert api("admin", "put", f"/rulebook/{key}", body).status_code == 200


def pbx_answered(api, external_id):
    """The PBX reports the ringing call picked up, naming the offer it rang (the CTI contract)."""
    from hotline.calls.choices import OfferOutcome
    from hotline.calls.models import Offer

    offer = Offer.objects.get(call__external_id=external_id, outcome=OfferOutcome.PENDING)
    return api("pbx", "post", f"/cti/calls/{external_id}/answered", {"offer_id": offer.pk})
