"""Issue 16: customers, their sites, equipment and agreements (from tickets) and the regions and
providers (from dispatch) move to this app. Their tables keep their names (Meta.db_table), so
the move is Django's state only: this creates the models in state over the existing tables, and
tickets 0006 and dispatch 0009 delete them from their old apps' state, after the other apps'
foreign keys are repointed (accounts 0005, calls 0007, notices 0004). A fresh database gets the
tables from tickets 0001/0003 and dispatch 0001/0002, which run first.

The content types (and with them the permissions and admin history) follow the models."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "tickets": ("customer", "customersite", "slacontract", "equipment"),
    "dispatch": ("region", "provider"),
}


def _relabel(apps, schema_editor, *, forward):  # type: ignore[no-untyped-def]
    """Moves the moved models' content types to the new app label (back again when unapplied),
    unless the target label already has one: then the old one is left stale, as Django leaves
    any content type of a model that is gone."""
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    for app, names in MOVED.items():
        old, new = (app, "directory") if forward else ("directory", app)
        for name in names:
            if not rows.filter(app_label=new, model=name).exists():
                rows.filter(app_label=old, model=name).update(app_label=new)


def content_types_forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _relabel(apps, schema_editor, forward=True)


def content_types_backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tickets", "0005_later_date_and_complained_order"),
        ("dispatch", "0008_sealed_payload"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Customer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, verbose_name='name')),
                        ('phone', models.CharField(max_length=32, verbose_name='phone')),
                        ('phone_key', models.CharField(db_index=True, editable=False, max_length=9)),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('language', models.CharField(choices=[('en', 'English'), ('ru', 'Russian'), ('es', 'Spanish'), ('fr', 'French'), ('zh-hans', 'Simplified Chinese'), ('bg', 'Bulgarian')], default='en', max_length=10, verbose_name='language')),
                        ('time_zone', models.CharField(default='UTC', max_length=64, verbose_name='time zone')),
                    ],
                    options={
                        'verbose_name': 'customer',
                        'verbose_name_plural': 'customers',
                        'db_table': 'tickets_customer',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='CustomerSite',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('address', models.CharField(max_length=250, verbose_name='address')),
                        ('zone', models.CharField(choices=[('urban', 'Urban'), ('suburban', 'Suburban'), ('other', 'Other')], max_length=10, verbose_name='zone')),
                        ('business_premises', models.BooleanField(default=False, help_text='Shops and offices are served the same day after the D1 cut-off.', verbose_name='business premises')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sites', to='directory.customer')),
                    ],
                    options={
                        'verbose_name': 'customer site',
                        'verbose_name_plural': 'customer sites',
                        'db_table': 'tickets_customersite',
                    },
                ),
                migrations.CreateModel(
                    name='Equipment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=80, verbose_name='appliance')),
                        ('model', models.CharField(max_length=80, verbose_name='model')),
                        ('serial', models.CharField(blank=True, max_length=80, verbose_name='serial number')),
                        ('installed_on', models.DateField(blank=True, null=True, verbose_name='installed on')),
                        ('site', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='equipment', to='directory.customersite')),
                    ],
                    options={
                        'verbose_name': 'equipment',
                        'verbose_name_plural': 'equipment',
                        'db_table': 'tickets_equipment',
                    },
                ),
                migrations.CreateModel(
                    name='Region',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=20, unique=True, verbose_name='code')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('engineer', models.ForeignKey(blank=True, help_text="Answers the region's escalated complaints (rule D9).", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='engineer_of', to=settings.AUTH_USER_MODEL, verbose_name='after-sales engineer')),
                    ],
                    options={
                        'verbose_name': 'region',
                        'verbose_name_plural': 'regions',
                        'db_table': 'dispatch_region',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Provider',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, unique=True, verbose_name='name')),
                        ('capacity', models.PositiveIntegerField(help_text='Open work orders the provider can carry at once.', verbose_name='capacity')),
                        ('channel', models.CharField(choices=[('portal', 'Provider portal'), ('email', 'E-mail'), ('sms', 'SMS'), ('phone', 'Phone'), ('fax', 'Fax')], max_length=10, verbose_name='channel')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('phone', models.CharField(blank=True, max_length=32, verbose_name='phone')),
                        ('language', models.CharField(choices=[('en', 'English'), ('ru', 'Russian'), ('es', 'Spanish'), ('fr', 'French'), ('zh-hans', 'Simplified Chinese'), ('bg', 'Bulgarian')], default='en', max_length=10, verbose_name='language')),
                        ('regions', models.ManyToManyField(related_name='providers', to='directory.region', verbose_name='regions')),
                    ],
                    options={
                        'verbose_name': 'service provider',
                        'verbose_name_plural': 'service providers',
                        'db_table': 'dispatch_provider',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddField(
                    model_name='customersite',
                    name='region',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sites', to='directory.region'),
                ),
                migrations.CreateModel(
                    name='SlaContract',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('order', models.PositiveIntegerField(default=100, help_text='Lower is tried first.', verbose_name='order')),
                        ('priority', models.PositiveSmallIntegerField(default=5, help_text='1 is served first (rule B9).', verbose_name='queue priority')),
                        ('response_within', models.DurationField(default=datetime.timedelta(days=1), verbose_name='response within')),
                        ('resolution_within', models.DurationField(default=datetime.timedelta(days=3), verbose_name='resolution within')),
                        ('on_site', models.BooleanField(default=True, verbose_name='on-site service')),
                        ('covered_services', models.JSONField(default=list, verbose_name='covered services')),
                        ('customer', models.ForeignKey(blank=True, help_text='Empty for the default contract that applies when no other does.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='contracts', to='directory.customer')),
                    ],
                    options={
                        'verbose_name': 'SLA contract',
                        'verbose_name_plural': 'SLA contracts',
                        'db_table': 'tickets_slacontract',
                        'ordering': ['order', 'id'],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
