"""Issue 16: Region and Provider moved to hotline.directory with their tables (directory 0001;
the providers' regions stay in dispatch_provider_regions). In Django's state only: the work
orders' and desk checks' foreign keys now name the directory's models and the old models are
deleted; the database is not touched. Runs after every foreign key to them was repointed
(tickets 0006 deletes the customer sites that named dispatch.Region)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dispatch", "0008_sealed_payload"),
        ("directory", "0001_initial"),
        ("accounts", "0005_directory_fks"),
        ("notices", "0004_directory_fks"),
        ("tickets", "0006_directory_moved_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="workorder",
                    name="provider",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="work_orders", to="directory.provider"),
                ),
                migrations.AlterField(
                    model_name="workorder",
                    name="region",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="work_orders", to="directory.region"),
                ),
                migrations.AlterField(
                    model_name="deskcheck",
                    name="provider",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="desk_checks", to="directory.provider"),
                ),
                migrations.DeleteModel(name="Provider"),
                migrations.DeleteModel(name="Region"),
            ],
        ),
    ]
