"""On PostgreSQL: two workers plan at once (one decision per order, D12); two agents take the same
follow-up at once (one gets it)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from hotline.audit.models import Event
from hotline.core.refusal import PolicyRefusal
from hotline.followup.models import FollowUp
from hotline.followup.services import followup_take, followups_plan
from hotline.followup.tests.test_services import DUE
from hotline.testing.cases import completed_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_d12_two_workers_planning_at_once_decide_each_order_once(centre, now):
    orders = [completed_order(centre, now) for _ in range(6)]
    start = threading.Barrier(2)

    def run(_: int) -> int:
        try:
            start.wait()
            return followups_plan(now=now + timedelta(minutes=5))
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        decided = sum(pool.map(run, range(2)))
    assert decided == len(orders)
    assert FollowUp.objects.count() == len(orders)
    assert Event.objects.filter(entity="followup.followup", action="planned").count() == 6


def test_d12_two_agents_taking_one_follow_up_at_once_only_one_gets_it(centre, now):
    order = completed_order(centre, now)
    followups_plan(now=now)
    followup = FollowUp.objects.get(work_order=order)
    start = threading.Barrier(2)

    def run(name: str) -> str:
        try:
            start.wait()
            followup_take(actor=centre[name], now=DUE, followup_id=followup.pk)
            return "ok"
        except PolicyRefusal as refused:
            return refused.rule_id
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(run, ["agent2", "agent3"]))
    assert outcomes == ["D12", "ok"]
    assert Event.objects.filter(entity="followup.followup", action="taken").count() == 1
