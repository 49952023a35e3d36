from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tickets", "0003_faultcategory_equipment_escalationrule_ticket_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FaultAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="month")),
                ("count", models.PositiveIntegerField(verbose_name="cases")),
                ("total", models.PositiveIntegerField(verbose_name="all field cases")),
                ("share", models.FloatField(verbose_name="share")),
                ("baseline", models.FloatField(verbose_name="usual share")),
                ("p_value", models.FloatField(verbose_name="p-value")),
                ("raised_at", models.DateTimeField(verbose_name="raised")),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="alerts",
                        to="tickets.faultcategory",
                    ),
                ),
                (
                    "notified",
                    models.ManyToManyField(
                        blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="told"
                    ),
                ),
            ],
            options={
                "verbose_name": "fault-share alert",
                "verbose_name_plural": "fault-share alerts",
                "ordering": ["-month", "category"],
                "constraints": [
                    models.UniqueConstraint(fields=("month", "category"), name="fault_alert_once_a_month")
                ],
            },
        ),
    ]
