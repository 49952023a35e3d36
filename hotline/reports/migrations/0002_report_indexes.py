"""Indexes the reports' reads need (measured by bench/reports.py on 1M orders, 10M events).

- events by entity, action and time: "late" orders of a month, the month's "answered" calls,
  counted as index ranges instead of a scan of every event of the period;
- tickets by creation time with kind and category: the fault structure (D13) counts seven
  months of cases from the index alone.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("audit", "0002_append_only_trigger"),
        ("tickets", "0003_faultcategory_equipment_escalationrule_ticket_and_more"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS report_event_entity_action_at "
            "ON audit_event (entity, action, at)",
            "DROP INDEX IF EXISTS report_event_entity_action_at",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS report_ticket_created_kind_category "
            "ON tickets_ticket (created_at, kind, category_id)",
            "DROP INDEX IF EXISTS report_ticket_created_kind_category",
        ),
    ]
