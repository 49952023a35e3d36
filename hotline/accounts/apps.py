from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hotline.accounts"
    verbose_name = _("Accounts")
    label = "accounts"

    def ready(self) -> None:
        from hotline.accounts.events import register_sentences

        register_sentences()  # the event log's words for our events (audit sits below us)
        from hotline.accounts.permissions import EVENT_PAYLOAD_READERS
        from hotline.audit.views import payload_readers

        payload_readers(lambda user: getattr(user, "role", None) in EVENT_PAYLOAD_READERS)
        from django.contrib.auth.signals import user_logged_in

        from hotline.accounts import middleware

        def seen_at_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
            # The idle time starts at sign-in: the first page after it need not save the session.
            if request is not None and hasattr(request, "session"):
                middleware.session_seen(request.session, middleware.wall_now())

        user_logged_in.connect(seen_at_sign_in, weak=False, dispatch_uid="hotline_session_seen")
