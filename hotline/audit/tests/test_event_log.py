"""The event log is append-only: the model refuses rewrites, on PostgreSQL the database too."""

from datetime import datetime

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from hotline.audit.models import Event, ImmutableEventError
from hotline.audit.services import event_append

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
