from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "hotline.voice"
    label = "voice"
    verbose_name = _("Voice (SIP)")

    def ready(self) -> None:
        from hotline.audit.services import on_event_written
        from hotline.voice.events import register_sentences
        from hotline.voice.recordings import recording_when_call_ends

        register_sentences()  # the event log's words for our events (audit sits below us)
        # An answered SIP call that ends gets its recording made, by a task after the commit.
        on_event_written("calls.call", recording_when_call_ends)
