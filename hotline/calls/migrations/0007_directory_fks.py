"""Issue 16: the customers and providers now live in hotline.directory, in the same tables: this
repoints the foreign keys in Django's state only (the database columns and constraints are
unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0006_cti_delivery'),
        ('directory', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='call',
                    name='customer',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='calls', to='directory.customer'),
                ),
                migrations.AlterField(
                    model_name='callback',
                    name='customer',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='callbacks', to='directory.customer'),
                ),
            ],
        ),
    ]
