"""On PostgreSQL: two dispatchers at once, one free slot: only one order is made (D3)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Provider
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import work_order_dispatch
from hotline.testing.cases import make_ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_d3_two_dispatchers_one_free_slot_only_one_wins(centre, now):
    provider = Provider.objects.get(name="TechServ Sofia")
    provider.capacity = 1
    provider.save()
    tickets = [make_ticket(centre["agent1"], now) for _ in range(2)]
    start = threading.Barrier(2)

    def run(ticket):
        try:
            start.wait()
            work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)
            return "ok"
        except PolicyRefusal as refused:
            return refused.rule_id
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(run, tickets))
    assert outcomes == ["D3", "ok"]
    assert WorkOrder.objects.filter(provider=provider).count() == 1
