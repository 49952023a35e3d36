from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "hotline.voice"
    label = "voice"
    verbose_name = _("Voice (SIP)")

    def ready(self) -> None:
        from hotline.voice.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
