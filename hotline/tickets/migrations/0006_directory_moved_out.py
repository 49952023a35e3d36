"""Issue 16: Customer, CustomerSite, SlaContract and Equipment moved to hotline.directory with
their tables (directory 0001). In Django's state only: the tickets' foreign keys now name the
directory's models and the old models are deleted; the database is not touched. Runs after the
other apps' foreign keys to the customer were repointed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0005_later_date_and_complained_order"),
        ("directory", "0001_initial"),
        ("accounts", "0005_directory_fks"),
        ("calls", "0007_directory_fks"),
        ("notices", "0004_directory_fks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="customer",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="tickets", to="directory.customer"),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="site",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tickets", to="directory.customersite"),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="equipment",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tickets", to="directory.equipment"),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="contract",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tickets", to="directory.slacontract"),
                ),
                migrations.AlterField(
                    model_name="escalationrule",
                    name="contract",
                    field=models.ForeignKey(blank=True, help_text="Empty for every contract.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="escalations", to="directory.slacontract"),
                ),
                migrations.DeleteModel(name="Equipment"),
                migrations.DeleteModel(name="CustomerSite"),
                migrations.DeleteModel(name="SlaContract"),
                migrations.DeleteModel(name="Customer"),
            ],
        ),
    ]
