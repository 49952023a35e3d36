"""The PBX is told of the decisions it must carry out by a signed webhook, after they commit,
once each and in order, retried while it is down (README, CTI API). A real HTTP receiver
on a free loopback port stands in for the PBX."""

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hotline.calls.models import CtiDelivery, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive
from hotline.calls.services.tick import floor_tick
from hotline.calls.tasks import GIVE_UP_AFTER, LOST_TASK_AFTER
from hotline.calls.tests.floor_http import http_api, ready
from hotline.testing.clock import MovingClock

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SECRET = "shared-with-the-pbx"


class Pbx:
    """A stand-in PBX: down until started, keeps what it was sent (headers and raw body), and
    answers each POST with the next of `answers` (then 204)."""

    def __init__(self) -> None:
        with socket.socket() as probe:  # a free port, kept while the PBX is down
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/cti"
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.server: HTTPServer | None = None

    def start(self) -> None:
        pbx = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                pbx.received.append((dict(self.headers.items()), body))
                self.send_response(pbx.answers.pop(0) if pbx.answers else 204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


def verified(headers: dict[str, str], body: bytes, secret: str = SECRET) -> bool:
    """What the PBX does before it trusts a push (README): HMAC-SHA256 of timestamp.body."""
    signed = headers["X-Hotline-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Hotline-Signature"])


@pytest.fixture
def pbx():
    stand_in = Pbx()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def clock(monkeypatch, now):
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def pushing(settings, pbx):
    settings.HOTLINE_CTI_WEBHOOK_URL = pbx.url
    settings.HOTLINE_CTI_WEBHOOK_SECRET = SECRET
    settings.TASKS = IMMEDIATE_TASKS
    settings.REDIS_URL = ""  # live announcements also run on commit; these tests are the PBX's
    return settings


@pytest.fixture
def api(client, in_english, token_for, clock):
    return http_api(client, token_for)


ARRIVAL = {"external_id": "pbx-1", "queue": "repairs", "caller_number": "+359 2 981 1111"}


def test_b9_every_decision_reaches_the_pbx_once_in_order_and_signed(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    pbx.start()
    ready(api, "agent1", "agent2")
    with django_capture_on_commit_callbacks(execute=True):
        offer_id = api("pbx", "post", "/cti/calls", ARRIVAL).json()["offer_id"]
    clock.advance(
        seconds=20
    )  # agent1 does not answer: the offer expires, the call rings for agent2
    with django_capture_on_commit_callbacks(execute=True):
        floor_tick(clock())
    with django_capture_on_commit_callbacks(execute=True):
        call = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent2"}).json()
        api("agent1", "post", "/floor/ready")
        api(
            "agent2",
            "post",
            f"/floor/calls/{call['call']['id']}/transfer",
            {"to_agent": "agent1", "reason": "installation question"},
        )
    clock.advance(seconds=3)
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls/pbx-1/ended")  # the caller hangs up: transfer withdrawn
    events = pbx.events
    assert [(e["event"], e["agent"]) for e in events] == [
        ("call.offered", "agent1"),
        ("call.offer_expired", "agent1"),
        ("call.offered", "agent2"),
        ("call.transfer_requested", "agent1"),
        ("call.transfer_withdrawn", "agent1"),
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4, 5]
    assert len({e["id"] for e in events}) == 5
    assert {e["external_id"] for e in events} == {"pbx-1"}
    assert (events[0]["offer_id"], events[0]["rule"]) == (offer_id, "B9")
    for headers, body in pbx.received:
        assert verified(headers, body)
        assert headers["X-Hotline-Delivery"] == str(json.loads(body)["id"])
        assert headers["X-Hotline-Sequence"] == str(json.loads(body)["sequence"])
    assert int(pbx.received[-1][0]["X-Hotline-Timestamp"]) == int(clock().timestamp())
    first_headers, first_body = pbx.received[0]
    assert not verified(first_headers, first_body, secret="a guess")


def test_b9_what_agents_do_at_their_desks_reaches_the_pbx_and_its_own_news_does_not(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    pbx.start()
    ready(api, "agent1")
    with django_capture_on_commit_callbacks(execute=True):
        offer_id = api("pbx", "post", "/cti/calls", ARRIVAL).json()["offer_id"]
        call = api("agent1", "post", f"/floor/offers/{offer_id}/accept").json()  # at the desk
        api("agent1", "post", f"/floor/calls/{call['id']}/end")
        api("pbx", "post", "/cti/calls/pbx-1/ended")  # the PBX says so too: not echoed
    clock.advance(seconds=60)
    with django_capture_on_commit_callbacks(execute=True):
        api("agent1", "post", "/floor/wrap-up/end")
        callback = {
            "queue": "repairs",
            "number": "+359 88 765 4321",
            "window_start": clock().isoformat(),
            "window_end": (clock() + timedelta(hours=1)).isoformat(),
        }
        api("agent1", "post", "/floor/callbacks", callback)
    clock.advance(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        floor_tick(clock())  # the due callback rings on agent1's desk
        offer = api("agent1", "get", "/floor/desk").json()["offer"]
        api("agent1", "post", f"/floor/offers/{offer['id']}/accept")
    assert [(e["event"], e["agent"], e["caller_number"]) for e in pbx.events] == [
        ("call.offered", "agent1", "+359 2 981 1111"),
        ("call.answered", "agent1", "+359 2 981 1111"),  # put it through to agent1
        ("call.ended", None, "+359 2 981 1111"),  # hang up
        ("callback.scheduled", None, None),
        ("callback.offered", "agent1", None),
        ("call.answered", "agent1", "+359 88 765 4321"),  # dial the customer for agent1
    ]
    assert [e["sequence"] for e in pbx.events] == [1, 2, 3, 4, 5, 6]
    dialled = pbx.events[-1]["external_id"]  # Hotline's id for the call the PBX places
    assert dialled == f"hotline-{pbx.events[-1]['call']}"
    with django_capture_on_commit_callbacks(execute=True):
        ended = api("pbx", "post", f"/cti/calls/{dialled}/ended")  # the customer hangs up
    assert (ended.status_code, ended.json()["state"]) == (200, "wrap_up")
    assert len(pbx.events) == 6  # its own news is not echoed


def test_a2_the_pbx_is_told_to_offer_a_callback_to_overflow_and_to_hang_up_for_a_callback(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    pbx.start()
    repairs = Queue.objects.get(code="repairs")
    repairs.overflow_to = Queue.objects.get(code="installations")
    repairs.save()
    api("pbx", "post", "/cti/calls", ARRIVAL)  # nobody on the floor: it waits
    for seconds in (1, 180, 180):
        clock.advance(seconds=seconds)
        with django_capture_on_commit_callbacks(execute=True):
            floor_tick(clock())
    assert [(e["event"], e.get("queue"), e["rule"]) for e in pbx.events] == [
        ("call.callback_offered", "repairs", "A2"),  # no agent serves it: play the offer
        ("call.overflowed", "installations", "A2"),  # at 3 min: move it to the next group
        ("callback.scheduled", None, "B8"),  # 3 min more there: it becomes a callback
        ("call.turned_into_callback", "installations", "A2"),  # so hang up
    ]
    assert api("pbx", "get", "/cti/calls/pbx-1").json()["state"] == "callback"


def test_b9_a_decision_pushing_two_events_queues_one_sender(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    pbx.start()
    ready(api, "agent1", "agent2")
    api("pbx", "post", "/cti/calls", ARRIVAL)
    call = api("pbx", "post", "/cti/calls/pbx-1/answered", {"agent": "agent1"}).json()
    api(
        "agent1",
        "post",
        f"/floor/calls/{call['call']['id']}/transfer",
        {"to_agent": "agent2", "reason": "installation question"},
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        api("agent1", "post", f"/floor/calls/{call['call']['id']}/end")  # hangs up at the desk
    senders = [c for c in callbacks if c.__name__ == "cti_kick"]  # (others: e.g. recordings)
    assert len(senders) == 1
    assert [e["event"] for e in pbx.events][-2:] == ["call.transfer_withdrawn", "call.ended"]


@pytest.mark.django_db(transaction=True)  # db_worker closes its connection after a task
def test_b9_a_pbx_that_is_down_gets_the_decision_once_when_it_is_back(
    api, pbx, pushing, clock, monkeypatch, django_capture_on_commit_callbacks
):
    """The task queue's way: the failed send is queued again to run when its retry is due,
    and the worker's task runner (db_worker) runs it then (it reads Django's clock)."""
    pushing.TASKS = DATABASE_TASKS
    monkeypatch.setattr("django.utils.timezone.now", clock)
    ready(api, "agent1")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    delivery = CtiDelivery.objects.get()
    assert (delivery.attempts, delivery.delivered_at) == (1, None)
    assert "refused" in delivery.last_error.lower()
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the retry, queued
    pbx.start()
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert pbx.received == []  # its retry is not due yet
    clock.advance(seconds=2)
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    clock.advance(seconds=5)  # still ringing (15 s): no new decision, and nothing is sent again
    floor_tick(clock())
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert [e["event"] for e in pbx.events] == ["call.offered"]
    assert pbx.events[0]["sequence"] == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (2, "")
    assert delivery.delivered_at == clock() - timedelta(seconds=5)


def test_b9_a_send_lost_with_its_task_is_kicked_by_the_worker_tick(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    ready(api, "agent1")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)  # the PBX is down: the send fails
    pbx.start()
    clock.advance(seconds=2)
    floor_tick(clock())  # due, but not yet overdue: its own retry should come
    assert pbx.received == []
    clock.advance(seconds=LOST_TASK_AFTER.total_seconds())
    floor_tick(clock())
    floor_tick(clock())
    assert [e["event"] for e in pbx.events] == ["call.offered"]


def test_b9_a_push_the_pbx_did_not_acknowledge_comes_again_with_the_same_id(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    pbx.answers = [500]  # it failed after reading the body: the body comes again
    pbx.start()
    ready(api, "agent1")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)
    clock.advance(seconds=LOST_TASK_AFTER.total_seconds() + 2)
    floor_tick(clock())
    first, again = pbx.events
    assert (first["id"], first["sequence"]) == (again["id"], again["sequence"])  # de-duplicate
    assert verified(*pbx.received[1])


def test_b9_nothing_is_sent_unsigned(api, pbx, pushing, clock, django_capture_on_commit_callbacks):
    pushing.HOTLINE_CTI_WEBHOOK_SECRET = ""
    pbx.start()
    ready(api, "agent1")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)
    assert pbx.received == []
    assert "SECRET" in CtiDelivery.objects.get().last_error
    pushing.HOTLINE_CTI_WEBHOOK_SECRET = SECRET
    clock.advance(seconds=LOST_TASK_AFTER.total_seconds() + 2)
    floor_tick(clock())
    assert [e["event"] for e in pbx.events] == ["call.offered"]


def test_b9_a_decision_left_unsent_for_an_hour_is_dropped_and_leaves_a_gap(
    api, pbx, pushing, clock, django_capture_on_commit_callbacks
):
    ready(api, "agent1", "agent2")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)  # sequence 1, never acknowledged
    clock.advance(seconds=GIVE_UP_AFTER.total_seconds() + 60)
    pbx.start()
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", {**ARRIVAL, "external_id": "pbx-2"})
    (pushed,) = pbx.events
    assert (pushed["external_id"], pushed["sequence"]) == ("pbx-2", 2)  # 1 is missing: a gap
    assert CtiDelivery.objects.filter(given_up_at__isnull=False).count() == 1
    state = api("pbx", "get", "/cti/calls/pbx-1").json()  # what the PBX reads to catch up
    assert state["state"] in ("offered", "waiting")


def test_nothing_is_pushed_without_a_webhook_or_without_a_decision(
    centre, now, pbx, pushing, django_capture_on_commit_callbacks
):
    pbx.start()
    pushing.HOTLINE_CTI_WEBHOOK_URL = ""
    queue = Queue.objects.get(code="repairs")
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    with django_capture_on_commit_callbacks(execute=True):
        call_arrive(now=now, queue=queue, caller_number="1")
    pushing.HOTLINE_CTI_WEBHOOK_URL = pbx.url
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_arrive(now=now, queue=queue, caller_number="2")  # nobody ready: no decision
    assert pbx.received == []
    assert callbacks == []
    assert not CtiDelivery.objects.exists()


def test_b9_an_admin_sees_why_a_push_waits(
    api, client, in_english, pbx, pushing, django_capture_on_commit_callbacks
):
    ready(api, "agent1")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)  # the PBX is down
    client.force_login(in_english["admin"])
    page = client.get("/admin/calls/ctidelivery/")
    assert page.status_code == 200
    assert "Connection refused" in page.content.decode()
    assert client.get("/admin/calls/ctidelivery/add/").status_code == 403


def test_b9_old_deliveries_sent_or_dropped_are_forgotten(
    api, pbx, pushing, clock, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("hotline.calls.tasks.KEPT_DELIVERIES", 2)
    ready(api, "agent1", "agent2", "agent3", "agent4")
    with django_capture_on_commit_callbacks(execute=True):
        api("pbx", "post", "/cti/calls", ARRIVAL)  # the PBX is down: it waits
    stuck = CtiDelivery.objects.get()
    pbx.start()
    clock.advance(seconds=GIVE_UP_AFTER.total_seconds() + 60)  # dropped when the next send comes
    for n in (2, 3, 4):
        with django_capture_on_commit_callbacks(execute=True):
            api("pbx", "post", "/cti/calls", {**ARRIVAL, "external_id": f"pbx-{n}"})
    kept = list(CtiDelivery.objects.order_by("pk").values_list("pk", flat=True))
    assert len(pbx.events) == 3
    assert kept == [e["id"] for e in pbx.events][-2:]  # the dropped one and the oldest: gone
    assert not CtiDelivery.objects.filter(pk=stuck.pk).exists()
