from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "hotline.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from hotline.imports import kinds  # noqa: F401  (each kind registers itself)
        from hotline.imports.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
