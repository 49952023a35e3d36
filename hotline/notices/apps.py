from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "hotline.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from hotline.notices.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        from hotline.accounts.forms import reset_link_sender
        from hotline.notices.services import password_reset_notify

        # accounts sits below notices: it sends its reset links through us.
        reset_link_sender(password_reset_notify)
