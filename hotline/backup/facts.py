"""What a backup must keep, counted the same way on the original and on the restored copy."""

import hashlib
import json
from typing import Any

from django.db import connections

from hotline.audit.models import Event
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.report import seal_intact

EVENT_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "entity",
    "entity_id",
    "action",
    "old",
    "new",
    "reason",
    "rule",
)


def row_counts(alias: str) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def event_digest(alias: str) -> str:
    """SHA-256 over the whole event log in order, times to the microsecond: any lost, changed
    or re-timed event changes it."""
    digest = hashlib.sha256()
    rows = Event.objects.using(alias).order_by("id").values_list(*EVENT_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        values = [value.isoformat() if hasattr(value, "isoformat") else value for value in row]
        digest.update(json.dumps(values, sort_keys=True, default=str).encode() + b"\n")
    return digest.hexdigest()


def seal_check(alias: str) -> dict[str, Any]:
    """E6: how many orders are signed, and the numbers of those whose seal does not verify."""
    signed = WorkOrder.objects.using(alias).filter(signed_at__isnull=False).order_by("id")
    broken = [order.number for order in signed.iterator(chunk_size=500) if not seal_intact(order)]
    return {"signed": signed.count(), "broken": broken}


def database_facts(alias: str = "default") -> dict[str, Any]:
    return {"rows": row_counts(alias), "events": event_digest(alias), "seals": seal_check(alias)}


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What a restored database lacks against the manifest, in words for the operator."""
    problems = []
    for table in sorted(set(expected["rows"]) | set(found["rows"])):
        want, got = expected["rows"].get(table), found["rows"].get(table)
        if want != got:
            problems.append(f"table {table}: {want} rows in the backup, {got} restored")
    if expected["events"] != found["events"]:
        problems.append("the event log differs from the one backed up (digest)")
    if found["seals"] != expected["seals"]:
        problems.append(
            f"seals: backed up {expected['seals']}, restored {found['seals']} (signed, broken)"
        )
    return problems
