from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SetupConfig(AppConfig):
    name = "hotline.setup"
    label = "setup"
    verbose_name = _("Centre setup")
