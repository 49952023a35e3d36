"""Appliance kinds stored as codes (ApplianceKind), shown in the reader's language: the English
words stored before become their codes; any other kind stays as typed."""

from django.db import migrations, models

# The words and codes as of this migration (not imported: a migration must not change later).
WORDS = {
    "washing machine": "washing_machine",
    "tumble dryer": "tumble_dryer",
    "dishwasher": "dishwasher",
    "refrigerator": "refrigerator",
    "freezer": "freezer",
    "oven": "oven",
    "hob": "hob",
    "microwave oven": "microwave",
    "air conditioner": "air_conditioner",
    "boiler": "boiler",
}
CODE_WORDS = {code: word.capitalize() for word, code in WORDS.items()}


def words_to_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    Equipment = apps.get_model("directory", "Equipment")
    for item in Equipment.objects.only("kind").iterator():
        code = WORDS.get(item.kind.strip().lower())
        if code is not None and code != item.kind:
            Equipment.objects.filter(pk=item.pk).update(kind=code)


def codes_to_words(apps, schema_editor):  # type: ignore[no-untyped-def]
    Equipment = apps.get_model("directory", "Equipment")
    for code, word in CODE_WORDS.items():
        Equipment.objects.filter(kind=code).update(kind=word)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="equipment",
            name="kind",
            field=models.CharField(
                help_text="A usual kind by its code (such as washing_machine), or any other kind.",
                max_length=80,
                verbose_name="appliance",
            ),
        ),
        migrations.RunPython(words_to_codes, codes_to_words),
    ]
