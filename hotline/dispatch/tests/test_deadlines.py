"""Missed dispatch clocks, fired by the real deadline worker: D4, D5, D6 (+C3), B7, D8."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.deadlines.services import deadlines_fire_due
from hotline.dispatch.choices import UrgeReason
from hotline.dispatch.models import Urge
from hotline.dispatch.services import (
    chase_record,
    work_order_complete,
    work_order_contact,
    work_order_dispatch,
    work_order_report_status,
)
from hotline.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(centre, now, ticket):
    return work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)


def fire(at):
    return deadlines_fire_due(now=at, worker="test")


def test_d4_missed_contact_is_counted_and_the_provider_urged(order):
    fire(order.contact_due + timedelta(seconds=1))
    assert Event.objects.filter(action="contact_missed", rule="D4", entity_id=str(order.pk))
    assert Urge.objects.filter(work_order=order, reason=UrgeReason.D4_MISSED).count() == 1


def test_d4_contact_in_time_is_not_missed(centre, now, order):
    start = now + timedelta(hours=2)
    work_order_contact(
        actor=centre["provider1"],
        now=now + timedelta(minutes=10),
        order_id=order.pk,
        visit_start=start,
        visit_end=start + timedelta(hours=1),
    )
    fire(order.contact_due + timedelta(seconds=1))
    assert not Event.objects.filter(action="contact_missed")


def test_d5_no_feedback_after_the_report_urges(centre, now, order):
    work_order_report_status(actor=centre["provider1"], now=now, order_id=order.pk, text="Parts")
    fire(now + timedelta(hours=3, minutes=59))
    assert not Urge.objects.filter(work_order=order, reason=UrgeReason.NO_FEEDBACK).exists()
    fire(now + timedelta(hours=4, seconds=1))
    assert Urge.objects.filter(work_order=order, reason=UrgeReason.NO_FEEDBACK).exists()


def test_d6_over_the_limit_marks_late_and_tells_the_customer(order):
    fire(order.response_due + timedelta(seconds=1))
    order.refresh_from_db()
    assert order.late_at == order.response_due + timedelta(seconds=1)
    assert Notice.objects.filter(customer=order.ticket.customer, rule="C3").exists()
    assert Urge.objects.filter(work_order=order, reason=UrgeReason.LATE).count() == 1


def test_d6_completed_in_time_is_never_late(centre, now, order):
    work_order_complete(actor=centre["provider1"], now=now, order_id=order.pk, work_done="Done")
    fire(order.response_due + timedelta(days=1))
    order.refresh_from_db()
    assert order.late_at is None
    assert not Urge.objects.exists()


def test_b7_customer_warned_before_the_visit_if_not_done(centre, now, order):
    start = now + timedelta(hours=3)
    work_order_contact(
        actor=centre["provider1"],
        now=now,
        order_id=order.pk,
        visit_start=start,
        visit_end=start + timedelta(hours=1),
    )
    fire(start - timedelta(minutes=31))
    assert not Notice.objects.filter(rule="B7").exists()
    fire(start - timedelta(minutes=30))
    assert Notice.objects.filter(customer=order.ticket.customer, rule="B7").count() == 1


def test_d8_agent_alerted_when_the_promised_reply_is_due(centre, now, order):
    chase_record(actor=centre["agent2"], now=now, ticket=order.ticket, note="Where is he?")
    fire(now + timedelta(hours=2, seconds=1))
    assert Notice.objects.filter(user=centre["agent2"], rule="D8").count() == 1
