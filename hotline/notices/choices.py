from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeChannel(models.TextChoices):
    """The registry's channels (DESIGN: extension points are small registries)."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")
    PORTAL = "portal", _("Portal only")
    PHONE = "phone", _("Phone (logged by hand)")
    FAX = "fax", _("Fax (logged by hand)")


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    TO_LOG = "to_log", _("To make by hand")
