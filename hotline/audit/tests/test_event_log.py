"""The event log is append-only: the model refuses rewrites, on PostgreSQL the database too."""

from datetime import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from hotline.audit.models import Event, ImmutableEventError
from hotline.audit.services import batched_events, event_append

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(centre, now):
    return event_append(
        actor=centre["admin"],
        now=now,
        entity="test.thing",
        entity_id=1,
        action="changed",
        old={"a": 1},
        new={"a": 2},
        reason="why",
        rule="B4",
    )


def test_event_records_who_what_old_new_reason_rule_and_when(event, centre, now):
    stored = Event.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_label, stored.at) == (centre["admin"], "admin", now)
    assert (stored.entity, stored.entity_id, stored.action) == ("test.thing", "1", "changed")
    assert (stored.old, stored.new, stored.reason, stored.rule) == ({"a": 1}, {"a": 2}, "why", "B4")


def test_event_without_actor_is_the_systems(now, db):
    assert (
        event_append(actor=None, now=now, entity="x", entity_id=1, action="fired").actor_label
        == "system"
    )


def test_event_with_an_unknown_rule_is_refused(now, db):
    with pytest.raises(ValueError, match="unknown rule id"):
        event_append(actor=None, now=now, entity="x", entity_id=1, action="a", rule="Z9")
    assert not Event.objects.exists()


def test_event_needs_an_aware_time(db):
    with pytest.raises(ValueError, match="aware"):
        event_append(actor=None, now=datetime(2026, 1, 1), entity="x", entity_id=1, action="a")


def test_batched_events_land_in_one_insert_in_order(now, db, django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(1), batched_events():
        for action in ("first", "second", "third"):
            event_append(actor=None, now=now, entity="x", entity_id=1, action=action)
        with batched_events():  # a batch inside a batch joins it
            event_append(actor=None, now=now, entity="x", entity_id=1, action="fourth")
    actions = list(Event.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["first", "second", "third", "fourth"]


def test_batched_events_are_dropped_with_a_failed_service(now, db):
    def failing_service() -> None:
        with transaction.atomic(), batched_events():
            event_append(actor=None, now=now, entity="x", entity_id=1, action="half done")
            raise RuntimeError("the service failed")

    with pytest.raises(RuntimeError):
        failing_service()
    assert not Event.objects.exists()


def test_saved_event_cannot_be_changed_through_the_model(event):
    event.reason = "rewritten"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        event.delete()
    assert Event.objects.get(pk=event.pk).reason == "why"


def test_events_cannot_be_changed_in_bulk(event):
    with pytest.raises(ImmutableEventError):
        Event.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(ImmutableEventError):
        Event.objects.all().delete()
    assert Event.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_event SET reason = 'rewritten'", "DELETE FROM audit_event"]
)
def test_postgres_trigger_refuses_raw_update_and_delete(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Event.objects.get(pk=event.pk).reason == "why"
