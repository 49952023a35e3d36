"""E6 after a backup and restore: a faithful copy of the data keeps every seal valid.

`dumpdata`/`loaddata` keeps times only to the millisecond; the seal must still verify."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from hotline.dispatch.models import WorkOrder
from hotline.dispatch.report import seal_intact
from hotline.dispatch.services import work_order_complete, work_order_dispatch, work_order_sign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

seal_migration = importlib.import_module("hotline.dispatch.migrations.0008_sealed_payload")


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


def signed_order(centre, ticket, at):
    """An order dispatched, completed and signed at moments with microseconds in them."""
    order = work_order_dispatch(actor=centre["dispatcher"], now=at, ticket=ticket)
    desk = centre["provider1"]
    done = at + timedelta(hours=2, microseconds=654_321)
    work_order_complete(actor=desk, now=done, order_id=order.pk, work_done="Replaced the pump")
    work_order_sign(
        actor=desk,
        now=done + timedelta(minutes=5, microseconds=111_999),
        order_id=order.pk,
        signer_name="Maria Ivanova",
    )
    return WorkOrder.objects.get(pk=order.pk)


def dumpdata_loaddata(tmp_path):
    """The copy the README warned about: Django's JSON, loaded back over the rows."""
    path = tmp_path / "orders.json"
    out = StringIO()
    call_command("dumpdata", "dispatch.workorder", stdout=out)
    path.write_text(out.getvalue())
    call_command("loaddata", str(path), verbosity=0)


def test_e6_seal_verifies_after_a_dumpdata_loaddata_round_trip(centre, ticket, now, tmp_path):
    order = signed_order(centre, ticket, now + timedelta(microseconds=123_456))
    assert order.signed_at.microsecond % 1000 != 0
    assert seal_intact(order)
    dumpdata_loaddata(tmp_path)
    copied = WorkOrder.objects.get(pk=order.pk)
    assert copied.signed_at is not None
    assert copied.signed_at != order.signed_at  # the copy did lose the microseconds ...
    assert copied.signed_at.microsecond % 1000 == 0
    assert copied.signature_hash == order.signature_hash
    assert seal_intact(copied)  # ... and the seal still verifies


def test_e6_a_change_after_the_round_trip_still_breaks_the_seal(centre, ticket, now, tmp_path):
    order = signed_order(centre, ticket, now)
    dumpdata_loaddata(tmp_path)
    WorkOrder.objects.filter(pk=order.pk).update(work_done="Replaced the pump and the motor")
    assert not seal_intact(WorkOrder.objects.get(pk=order.pk))
    # a moment moved by a whole millisecond shows too
    WorkOrder.objects.filter(pk=order.pk).update(
        work_done=order.work_done, completed_at=order.completed_at + timedelta(milliseconds=1)
    )
    assert not seal_intact(WorkOrder.objects.get(pk=order.pk))
    WorkOrder.objects.filter(pk=order.pk).update(completed_at=order.completed_at)
    assert seal_intact(WorkOrder.objects.get(pk=order.pk))


def legacy_signed(order: WorkOrder, *, tamper: bool = False) -> None:
    """The order as signed before migration 0008 stored the sealed text: microsecond times."""
    payload = seal_migration._legacy_payload(order)
    digest = seal_migration.hashlib.sha256(payload.encode()).hexdigest()
    WorkOrder.objects.filter(pk=order.pk).update(signature_hash=digest, sealed_payload="")
    if tamper:
        WorkOrder.objects.filter(pk=order.pk).update(work_done="Something else")


def test_e6_migration_keeps_the_text_of_old_seals_that_verify(centre, ticket, now, tmp_path):
    order = signed_order(centre, ticket, now + timedelta(microseconds=777_777))
    legacy_signed(order)
    assert not seal_intact(WorkOrder.objects.get(pk=order.pk))  # not the new way of sealing
    seal_migration.keep_sealed_payloads(apps, None)
    migrated = WorkOrder.objects.get(pk=order.pk)
    assert migrated.sealed_payload
    assert seal_intact(migrated)
    dumpdata_loaddata(tmp_path)
    assert seal_intact(WorkOrder.objects.get(pk=order.pk))


def test_e6_migration_does_not_repair_an_old_seal_that_no_longer_matches(centre, ticket, now):
    order = signed_order(centre, ticket, now)
    legacy_signed(order, tamper=True)
    seal_migration.keep_sealed_payloads(apps, None)
    broken = WorkOrder.objects.get(pk=order.pk)
    assert broken.sealed_payload == ""
    assert not seal_intact(broken)
