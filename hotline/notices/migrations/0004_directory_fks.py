"""Issue 16: the customers and providers now live in hotline.directory, in the same tables: this
repoints the foreign keys in Django's state only (the database columns and constraints are
unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0001_initial'),
        ('notices', '0003_outbox_lease'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='notice',
                    name='customer',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='directory.customer'),
                ),
                migrations.AlterField(
                    model_name='notice',
                    name='provider',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='directory.provider'),
                ),
            ],
        ),
    ]
