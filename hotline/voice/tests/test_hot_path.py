"""The SIP edge's hot path: the statements each of a call's requests sends to the database.

Every trunk call costs the edge three requests: the routing question (arrival and offer, B9),
the answer and the end of the talk (the CTI API). At 20 new calls a second their cost is what
the database and the server spend per call (bench/voice.py measures it); these counts keep it
from growing unseen. A count that rises for a reason is raised here with the reason."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.calls.tests.floor_http import http_api, ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for)


def statements(request) -> tuple[int, Any]:
    """The SQL statements one request sends (transaction brackets left out) and its answer."""
    with CaptureQueriesContext(connection) as captured:
        answer = request()
    sent = [q["sql"] for q in captured]
    return sum(
        not sql.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")) for sql in sent
    ), answer


def test_b9_a_trunk_calls_three_requests_send_few_statements(api, centre):
    for agent in ("agent1", "agent2"):  # the warm-up call rings one, the measured one the other
        ready(api, agent)
        api(agent, "post", "/voice/credentials")
    api("pbx", "post", "/voice/route", {"external_id": "warm-up", "queue": "repairs"})

    route_count, routed = statements(
        lambda: api(
            "pbx",
            "post",
            "/voice/route",
            {"external_id": "sip-1", "queue": "repairs", "caller": "0888123456"},
        )
    )
    assert routed.status_code == 201, routed.content
    offer_id = routed.json()["offer_id"]
    answered_count, answered = statements(
        lambda: api("pbx", "post", "/cti/calls/sip-1/answered", {"offer_id": offer_id})
    )
    assert answered.status_code == 200, answered.content
    ended_count, ended = statements(lambda: api("pbx", "post", "/cti/calls/sip-1/ended"))
    assert ended.status_code == 200, ended.content
    assert ended.json()["state"] == "wrap_up"
    assert {"route": route_count, "answered": answered_count, "ended": ended_count} == {
        # token; queue; call known?; caller's SLA priority, call, team lock, waiting work,
        # ready agents, offer, call's state, agent's state, events; the call, its offer and
        # the phone to ring in one (the edge's answer)
        "route": 14,
        # token; call by its PBX id; team found and locked, call lock, offer lock; offer,
        # agent, call, events; the centre's zone (the answer's times)
        "answered": 10,
        # token; call by its PBX id; team found and locked, call lock; call, a ringing
        # transfer withdrawn (A4), agent, events; the centre's zone
        "ended": 9,
    }
