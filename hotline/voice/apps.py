from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "hotline.voice"
    label = "voice"
    verbose_name = _("Voice (SIP)")

    def ready(self) -> None:
        from hotline.audit.services import on_event_written
        from hotline.voice.call_end import when_call_ends
        from hotline.voice.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        # A SIP call that ends gets its recording made and its live listeners let go.
        on_event_written("calls.call", when_call_ends)
