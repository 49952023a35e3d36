from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hotline.audit"
    verbose_name = _("Event log")
    label = "audit"
