from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "hotline.reports"
    label = "reports"

    def ready(self) -> None:
        from hotline.reports.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
