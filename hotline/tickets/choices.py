from django.db import models
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    """Response-limit zones of rule D6."""

    URBAN = "urban", _("Urban")
    SUBURBAN = "suburban", _("Suburban")
    OTHER = "other", _("Other")
