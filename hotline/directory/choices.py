from django.db import models
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
