"""The sign-in form: Django's, behind the throttle of `hotline.accounts.signin`."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline import clock
from hotline.accounts.signin import Lock, signin_failed, signin_lock, signin_succeeded

# Sends the reset link to the user (path, days it stays good): the notices app, a higher layer,
# registers it in its AppConfig.ready(), so the mail goes as a notice in the user's language.
ResetLinkSender = Callable[[Any, str, int], None]
_reset_link_sender: ResetLinkSender | None = None


def reset_link_sender(sender: ResetLinkSender) -> None:
    global _reset_link_sender
    _reset_link_sender = sender


def client_address(request: HttpRequest | None) -> str:
    """The address the request came from, as the server saw it (a proxy in front sets it)."""
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


def lockout_message(lock: Lock, now: Any) -> str:
    minutes = lock.minutes_left(now)
    return ngettext(
        "Too many failed sign-ins. Try again in %(minutes)d minute.",
        "Too many failed sign-ins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        now = clock.now()
        username = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request)
        lock = signin_lock(now=now, username=username, address=address)
        if lock is not None:  # the right password too: nothing is checked while locked
            raise ValidationError(lockout_message(lock, now), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as wrong:
            if wrong.code == "inactive":
                raise
            lock = signin_failed(now=now, username=username, address=address)
            if lock is not None:
                raise ValidationError(lockout_message(lock, now), code="locked") from wrong
            raise ValidationError(
                _("The user name or password is wrong."), code="invalid_login"
            ) from wrong
        if self.user_cache is not None:
            signin_succeeded(username=username)
        return cleaned


class NoticePasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail goes as a notice (e-mail channel, the user's language),
    so it is queued, sent by the worker and recorded like every other message."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        if _reset_link_sender is None:
            raise ImproperlyConfigured("no app sends password reset links (hotline.notices does)")
        _reset_link_sender(user, path, settings.PASSWORD_RESET_TIMEOUT // 86400)
