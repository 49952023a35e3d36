"""On PostgreSQL, the PBX's contract at the same instant: one call per PBX id, however many
times the arrival comes at once; two webhook senders never send one decision twice or out of
order."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from hotline.calls.choices import OfferOutcome
from hotline.calls.models import Call, CtiDelivery, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_abandon, call_arrive, offer_decline
from hotline.calls.tasks import cti_webhook_send
from hotline.calls.tests.test_cti_webhook import SECRET, Pbx, verified
from hotline.calls.tests.test_floor_concurrency import all_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_b9_the_same_arrival_sent_at_once_is_one_call(centre, token_for):
    token = token_for(centre["pbx"])
    body = {"external_id": "pbx-1", "queue": "repairs", "caller_number": "+359 2 981 1111"}

    def arrive(_):
        return Client().post(
            "/api/v1/cti/calls",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    answers = all_at_once(arrive, range(8))
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert {a.json()["call"]["id"] for a in answers} == {Call.objects.get().pk}


def test_b9_two_senders_at_once_send_each_decision_once_in_order(
    centre, now, settings, monkeypatch
):
    monkeypatch.setattr("hotline.clock.now", lambda: now + timedelta(minutes=5))
    pbx = Pbx()
    settings.HOTLINE_CTI_WEBHOOK_URL = pbx.url
    settings.HOTLINE_CTI_WEBHOOK_SECRET = SECRET
    settings.REDIS_URL = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    agent = centre["agent1"]
    agent_log_in(actor=agent, now=now)
    queue = Queue.objects.get(code="repairs")
    for n in range(4):  # offered, then expired: eight decisions waiting to be sent
        at = now + timedelta(minutes=n)
        agent_make_ready(actor=agent, now=at)
        call = call_arrive(now=at, queue=queue, caller_number="1")
        offer = call.offers.get(outcome=OfferOutcome.PENDING)
        offer_decline(actor=None, now=at + timedelta(seconds=20), offer_id=offer.pk, expired=True)
        call_abandon(now=at + timedelta(seconds=30), call_id=call.pk)  # not the PBX's to hear
    assert CtiDelivery.objects.count() == 8
    pbx.start()
    try:
        sent = all_at_once(lambda _: cti_webhook_send.call(), range(4))
    finally:
        pbx.stop()
    assert sum(sent) == 8
    assert [e["sequence"] for e in pbx.events] == list(range(1, 9))
    assert [e["id"] for e in pbx.events] == sorted(e["id"] for e in pbx.events)
    assert all(verified(*received) for received in pbx.received)
