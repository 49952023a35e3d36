from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    """Response-limit zones of rule D6."""

    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    """How a provider receives its work orders (rule D3)."""

    PORTAL = "portal", _("Provider portal")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")


class ApplianceKind(models.TextChoices):
    """The usual kinds of appliance, stored as codes and shown in the reader's language.

    Equipment.kind keeps free text for any other kind (shown as typed). Before the codes, kinds
    were stored as English words: directory migration 0002 turned them into codes, and
    `appliance_label` still reads the English words (a work order's ticket copy keeps them)."""

    WASHING_MACHINE = "washing_machine", _("Washing machine")
    TUMBLE_DRYER = "tumble_dryer", _("Tumble dryer")
    DISHWASHER = "dishwasher", _("Dishwasher")
    REFRIGERATOR = "refrigerator", _("Refrigerator")
    FREEZER = "freezer", _("Freezer")
    OVEN = "oven", _("Oven")
    HOB = "hob", _("Hob")
    MICROWAVE = "microwave", _("Microwave oven")
    AIR_CONDITIONER = "air_conditioner", _("Air conditioner")
    BOILER = "boiler", _("Boiler")


def appliance_code(kind: str) -> str:
    """The code of a usual kind, given as code or English word (its label's msgid, in any case);
    any other kind as given."""
    text = kind.strip()
    if text in ApplianceKind.values:
        return text
    with translation.override(None):  # no catalog: a label is its msgid, the English word
        words = {str(label).lower(): value for value, label in ApplianceKind.choices}
    return words.get(text.lower(), text)


def appliance_label(kind: str) -> str:
    """A kind of appliance in the active language: a usual kind by its label (stored as code or,
    before the codes, as English word); any other kind as it was typed."""
    code = appliance_code(kind)
    return str(ApplianceKind(code).label) if code in ApplianceKind.values else kind
