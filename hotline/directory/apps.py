from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "hotline.directory"
    verbose_name = _("Customers and providers")
    label = "directory"
