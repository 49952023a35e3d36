"""Issue 16: the customers and providers now live in hotline.directory, in the same tables: this
repoints the foreign keys in Django's state only (the database columns and constraints are
unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_apitoken_expires_at'),
        ('directory', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='user',
                    name='customer',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='users', to='directory.customer', verbose_name='customer'),
                ),
                migrations.AlterField(
                    model_name='user',
                    name='provider',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='staff', to='directory.provider', verbose_name='provider'),
                ),
            ],
        ),
    ]
