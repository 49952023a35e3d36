from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("Pending")
    MET = "met", _("Met in time")
    FIRED = "fired", _("Missed: acted on")
    CANCELLED = "cancelled", _("No longer needed")
