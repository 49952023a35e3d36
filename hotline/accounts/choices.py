from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGER = "manager", _("After-sales manager")
    DISPATCHER = "dispatcher", _("Dispatcher")
    PROVIDER = "provider", _("Provider staff")
    CUSTOMER = "customer", _("Customer")
    ADMIN = "admin", _("Administrator")
    PBX = "pbx", _("Telephony (PBX)")
