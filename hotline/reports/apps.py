from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "hotline.reports"
    verbose_name = _("Reports")
    label = "reports"

    def ready(self) -> None:
        from hotline.reports.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
