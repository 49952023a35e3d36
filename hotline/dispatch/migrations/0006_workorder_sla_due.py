from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_sla_due(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Orders dispatched before this kept the customer's SLA time as their D6 limit: keep it as
    the SLA figure (their stored D6 limit is left as it was: history is not rewritten)."""
    WorkOrder = apps.get_model("dispatch", "WorkOrder")
    Ticket = apps.get_model("tickets", "Ticket")
    WorkOrder.objects.update(
        sla_due=Subquery(Ticket.objects.filter(pk=OuterRef("ticket_id")).values("response_due"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0005_order_provider_open_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="sla_due",
            field=models.DateTimeField(blank=True, null=True, verbose_name="customer's SLA due"),
        ),
        migrations.RunPython(copy_sla_due, migrations.RunPython.noop),
    ]
