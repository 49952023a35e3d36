from django.db import migrations, models


def fill_phone_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    Customer = apps.get_model("tickets", "Customer")
    for customer in Customer.objects.all():
        customer.phone_key = "".join(ch for ch in customer.phone if ch.isdigit())[-9:]
        customer.save(update_fields=["phone_key"])


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="customer", name="phone", field=models.CharField(max_length=32, verbose_name="phone")
        ),
        migrations.AddField(
            model_name="customer", name="phone_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=9),
            preserve_default=False,
        ),
        migrations.RunPython(fill_phone_keys, migrations.RunPython.noop),
    ]
