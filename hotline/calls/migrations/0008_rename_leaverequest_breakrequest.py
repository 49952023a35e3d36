"""calls.LeaveRequest (a break off the floor) becomes BreakRequest, so it is not mistaken for
workforce's LeaveRequest (days of leave). Only the name changes: the table keeps its name
(Meta.db_table), so the database is not touched."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0007_directory_fks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("LeaveRequest", "BreakRequest"),
                migrations.AlterModelTable("BreakRequest", "calls_leaverequest"),
                migrations.AlterField(
                    model_name="breakrequest",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="break_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
