from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "hotline.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from hotline.accounts.forms import reset_link_sender
        from hotline.notices.services import password_reset_notify

        # accounts sits below notices: it sends its reset links through us.
        reset_link_sender(password_reset_notify)
