"""E6: keep the text each seal was made over.

For orders signed before, the text is rebuilt the way it was sealed then (times as
`isoformat()` wrote them, to the microsecond) and stored only if it gives the stored seal
today: a seal that already does not match stays unmatched, never repaired by a migration.
The old way of sealing is copied here, frozen: the code's own changes must not change it.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models


def _iso(moment):
    return moment.isoformat() if moment else None


def _legacy_payload(order):
    content = {
        "number": order.number,
        "ticket": order.ticket_copy,
        "provider": order.provider_id,
        "dispatched_at": order.dispatched_at.isoformat(),
        "visit": [_iso(order.visit_start), _iso(order.visit_end)],
        "work_done": order.work_done,
        "option_chosen": order.option_chosen,
        "completed_at": _iso(order.completed_at),
    }
    return json.dumps(
        {
            "order": content,
            "signer": order.signer_name,
            "at": order.signed_at.astimezone(UTC).isoformat(),
            "image": order.signature_image,
        },
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )


def keep_sealed_payloads(apps, schema_editor):
    WorkOrder = apps.get_model("dispatch", "WorkOrder")
    signed = WorkOrder.objects.filter(signed_at__isnull=False, sealed_payload="")
    for order in signed.iterator(chunk_size=500):
        payload = _legacy_payload(order)
        if hashlib.sha256(payload.encode()).hexdigest() == order.signature_hash:
            WorkOrder.objects.filter(pk=order.pk).update(sealed_payload=payload)


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0007_desk_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="sealed_payload",
            field=models.TextField(blank=True, verbose_name="sealed content"),
        ),
        migrations.RunPython(keep_sealed_payloads, migrations.RunPython.noop),
    ]
