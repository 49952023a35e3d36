"""The PBX is told of routing decisions by webhook, after they commit (CTI push)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hotline.calls.models import Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def pbx_webhook():
    """A stand-in PBX on a free loopback port that keeps what it was sent."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/cti", received
    server.shutdown()


def test_b9_offer_is_pushed_to_the_pbx_with_its_external_id(
    centre, now, settings, pbx_webhook, django_capture_on_commit_callbacks
):
    url, received = pbx_webhook
    settings.HOTLINE_CTI_WEBHOOK_URL = url
    settings.TASKS = IMMEDIATE_TASKS
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    with django_capture_on_commit_callbacks(execute=True):
        call = call_arrive(
            now=now, queue=Queue.objects.get(code="repairs"), caller_number="1", external_id="x-7"
        )
    (pushed,) = received
    assert pushed["event"] == "call.offered"
    assert pushed["external_id"] == "x-7"
    assert pushed["call"] == call.pk
    assert pushed["detail"]["agent"] == centre["agent1"].pk
    assert pushed["rule"] == "B9"


def test_nothing_is_pushed_without_a_webhook_or_without_a_decision(
    centre, now, settings, pbx_webhook, django_capture_on_commit_callbacks
):
    url, received = pbx_webhook
    settings.TASKS = IMMEDIATE_TASKS
    settings.HOTLINE_CTI_WEBHOOK_URL = ""
    settings.REDIS_URL = ""  # live announcements also run on commit; this test is about the PBX
    queue = Queue.objects.get(code="repairs")
    agent_log_in(actor=centre["agent1"], now=now)
    agent_make_ready(actor=centre["agent1"], now=now)
    with django_capture_on_commit_callbacks(execute=True):
        call_arrive(now=now, queue=queue, caller_number="1")
    settings.HOTLINE_CTI_WEBHOOK_URL = url
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_arrive(now=now, queue=queue, caller_number="2")  # nobody ready: no decision
    assert received == []
    assert callbacks == []
