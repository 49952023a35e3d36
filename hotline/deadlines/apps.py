from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "hotline.deadlines"
    verbose_name = _("Deadlines")

    def ready(self) -> None:
        from hotline.deadlines.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
