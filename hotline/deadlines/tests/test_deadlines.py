"""Deadlines: set, moved, met, cancelled, and fired once by the worker when missed."""

from collections import Counter
from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import (
    LEASE,
    MAX_ATTEMPTS,
    deadline_cancel,
    deadline_handler,
    deadline_meet,
    deadline_set,
    deadlines_fire_due,
)
from hotline.testing.cases import make_ticket

pytestmark = pytest.mark.django_db

fired: Counter[int] = Counter()
failures_left: Counter[int] = Counter()


@deadline_handler("test.record")
def record(deadline, now):
    fired[deadline.pk] += 1
    Event.objects.create(at=now, entity="test", entity_id=str(deadline.pk), action="handled")


@deadline_handler("test.flaky")
def flaky(deadline, now):
    """Fails as often as `failures_left` says, after writing: the write must roll back."""
    Event.objects.create(at=now, entity="test", entity_id=str(deadline.pk), action="half-done")
    if failures_left[deadline.pk] > 0:
        failures_left[deadline.pk] -= 1
        raise RuntimeError("provider system down")
    fired[deadline.pk] += 1


@pytest.fixture(autouse=True)
def _reset():
    fired.clear()
    failures_left.clear()


@pytest.fixture
def ticket(centre, now):
    return make_ticket(centre["agent1"], now)


def set_clock(now, ticket=None, kind="test.record", after=timedelta(minutes=30)):
    return deadline_set(kind=kind, rule="D4", due_at=now + after, now=now, ticket=ticket)


def test_d4_set_starts_a_pending_clock(now, ticket):
    deadline = set_clock(now, ticket)
    assert deadline.state == DeadlineState.PENDING
    assert deadline.due_at == now + timedelta(minutes=30)
    assert deadline.ticket == ticket
    assert deadline.created_at == now


def test_d4_setting_the_same_clock_again_moves_it(now, ticket):
    first = set_clock(now, ticket)
    moved = set_clock(now, ticket, after=timedelta(hours=2))
    assert moved.pk == first.pk
    assert Deadline.objects.get().due_at == now + timedelta(hours=2)


def test_d4_other_kinds_and_objects_keep_their_own_clocks(centre, now, ticket):
    other = make_ticket(centre["agent1"], now)
    set_clock(now, ticket)
    set_clock(now, other)
    set_clock(now, ticket, kind="test.flaky")
    assert Deadline.objects.filter(state=DeadlineState.PENDING).count() == 3


def test_d4_met_in_time_closes_it_and_it_never_fires(now, ticket):
    deadline = set_clock(now, ticket)
    assert deadline_meet(kind="test.record", now=now + timedelta(minutes=5), ticket=ticket) == 1
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET
    assert deadline.closed_at == now + timedelta(minutes=5)
    assert deadlines_fire_due(now=now + timedelta(hours=1), worker="w") == 0
    assert not fired


def test_d4_meeting_a_clock_of_another_kind_changes_nothing(now, ticket):
    set_clock(now, ticket)
    assert deadline_meet(kind="test.flaky", now=now, ticket=ticket) == 0
    assert Deadline.objects.get().state == DeadlineState.PENDING


def test_d4_cancel_closes_all_pending_clocks_of_the_object(centre, now, ticket):
    other = make_ticket(centre["agent1"], now)
    set_clock(now, ticket)
    set_clock(now, ticket, kind="test.flaky")
    kept = set_clock(now, other)
    assert deadline_cancel(now=now, ticket=ticket) == 2
    assert set(
        Deadline.objects.filter(state=DeadlineState.CANCELLED).values_list("ticket", flat=True)
    ) == {ticket.pk}
    kept.refresh_from_db()
    assert kept.state == DeadlineState.PENDING


def test_a_clock_under_an_unknown_rule_is_refused(now, ticket):
    with pytest.raises(ValueError, match="unknown rule id"):
        deadline_set(kind="test.record", rule="Z9", due_at=now, now=now, ticket=ticket)
    assert not Deadline.objects.exists()


def test_cancel_without_an_object_is_refused(now):
    with pytest.raises(ValueError, match="ticket or a work order"):
        deadline_cancel(now=now, kind="test.record")


def test_d4_a_due_deadline_fires_its_handler_once_with_an_event(now, ticket):
    deadline = set_clock(now, ticket)
    due = now + timedelta(minutes=30)
    assert deadlines_fire_due(now=due, worker="w") == 1
    assert deadlines_fire_due(now=due + timedelta(hours=1), worker="w") == 0
    assert fired == {deadline.pk: 1}
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.FIRED
    assert deadline.closed_at == due
    (event,) = Event.objects.filter(entity="deadlines.deadline", entity_id=str(deadline.pk))
    assert (event.action, event.rule, event.at) == ("fired", "D4", due)
    assert event.new is not None
    assert event.new["kind"] == "test.record"


def test_d4_not_yet_due_does_not_fire(now, ticket):
    set_clock(now, ticket)
    assert deadlines_fire_due(now=now + timedelta(minutes=29, seconds=59), worker="w") == 0
    assert not fired
    assert Deadline.objects.get().state == DeadlineState.PENDING


def test_kind_argument_after_a_colon_uses_the_kind_handler(now, ticket):
    deadline = set_clock(now, ticket, kind="test.record:12")
    assert deadlines_fire_due(now=now + timedelta(hours=1), worker="w") == 1
    assert fired == {deadline.pk: 1}


def test_fires_in_due_order_a_batch_at_a_time(now, ticket):
    late = set_clock(now, ticket, kind="test.record:late", after=timedelta(minutes=20))
    early = set_clock(now, ticket, kind="test.record:early", after=timedelta(minutes=10))
    assert deadlines_fire_due(now=now + timedelta(hours=1), worker="w", batch=1) == 1
    assert list(fired) == [early.pk]
    assert deadlines_fire_due(now=now + timedelta(hours=1), worker="w", batch=1) == 1
    assert list(fired) == [early.pk, late.pk]


def test_a_failing_handler_is_retried_after_the_lease_and_its_writes_roll_back(now, ticket):
    deadline = set_clock(now, ticket, kind="test.flaky")
    failures_left[deadline.pk] = 1
    due = now + timedelta(minutes=30)
    assert deadlines_fire_due(now=due, worker="w") == 0
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING
    assert (deadline.claimed_by, deadline.lease_until, deadline.attempts) == ("w", due + LEASE, 1)
    assert not Event.objects.filter(action="half-done")  # the failed try left nothing behind
    # Within the lease the row stays with its worker; after it, any worker retries it.
    assert deadlines_fire_due(now=due + LEASE - timedelta(seconds=1), worker="other") == 0
    assert deadlines_fire_due(now=due + LEASE, worker="other") == 1
    assert fired == {deadline.pk: 1}
    assert Event.objects.filter(action="half-done").count() == 1


def test_a_handler_that_keeps_failing_is_given_up_with_an_event(now, ticket):
    deadline = set_clock(now, ticket, kind="test.flaky")
    failures_left[deadline.pk] = 1000
    at = now + timedelta(minutes=30)
    for _ in range(MAX_ATTEMPTS + 3):
        deadlines_fire_due(now=at, worker="w")
        at += LEASE
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.PENDING  # not silently closed either
    assert failures_left[deadline.pk] == 1000 - MAX_ATTEMPTS
    (event,) = Event.objects.filter(entity="deadlines.deadline", action="gave_up")
    assert event.entity_id == str(deadline.pk)
    assert event.rule == "D4"


def test_a_deadline_without_a_handler_is_not_lost(now, ticket):
    deadline = set_clock(now, ticket, kind="test.nobody")
    at = now + timedelta(minutes=30)
    for _ in range(MAX_ATTEMPTS + 1):
        assert deadlines_fire_due(now=at, worker="w") == 0
        at += LEASE
    assert Event.objects.filter(action="gave_up", entity_id=str(deadline.pk)).exists()


def test_a_clock_moved_while_claimed_is_not_fired_by_the_old_claim(now, ticket):
    deadline = set_clock(now, ticket, kind="test.flaky")
    failures_left[deadline.pk] = 1
    due = now + timedelta(minutes=30)
    deadlines_fire_due(now=due, worker="w")  # claimed, failed
    set_clock(now, ticket, kind="test.flaky", after=timedelta(hours=5))
    deadline.refresh_from_db()
    assert (deadline.claimed_by, deadline.lease_until, deadline.attempts) == ("", None, 0)
    assert deadlines_fire_due(now=due + LEASE, worker="w") == 0
    assert deadlines_fire_due(now=now + timedelta(hours=5), worker="w") == 1


def test_registering_another_handler_for_a_kind_is_refused():
    with pytest.raises(ValueError, match="already has a handler"):

        @deadline_handler("test.record")
        def impostor(deadline, now):
            pass
