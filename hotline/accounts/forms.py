"""The sign-in form: Django's, behind the throttle of `hotline.accounts.signin`."""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hotline import clock
from hotline.accounts.signin import Lock, signin_failed, signin_lock, signin_succeeded
from hotline.core.i18n import gettext_noop
from hotline.notices.choices import NoticeChannel


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
        from hotline.notices.services import notify, public_link  # notices import accounts

        user = context["user"]
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        notify(
            now=clock.now(),
            rule="",
            user=user,
            channel=NoticeChannel.EMAIL,
            subject=gettext_noop("Set a new Hotline password"),
            body=gettext_noop(
                "Someone asked to set a new password for %(username)s. If it was you, open "
                "this link within %(days)s days: %(link)s\n"
                "If it was not you, ignore this message: your password stays as it is."
            ),
            params={
                "username": user.get_username(),
                "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
                "link": public_link(path),
            },
        )
