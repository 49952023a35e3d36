from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.forms import NoticePasswordResetForm, ThrottledAuthenticationForm
from hotline.accounts.models import User
from hotline.accounts.selectors import tokens_visible_to
from hotline.accounts.services import api_token_revoke, password_changed, user_language_set
from hotline.accounts.signin import reset_allowed, signin_succeeded


def signed_in(request: HttpRequest) -> User:
    """The user of a page behind RoleAccessMiddleware, which lets no anonymous request through."""
    assert isinstance(request.user, User)
    return request.user


def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    now = clock.now()
    return render(
        request,
        "accounts/profile.html",
        {"tokens": tokens_visible_to(user), "now": now, "everyone": user.role == Role.ADMIN},
    )


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one token: one's own, or (admins) anyone's. Another's is not found."""
    user = signed_in(request)
    token = get_object_or_404(tokens_visible_to(user), pk=token_id)
    api_token_revoke(actor=user, now=clock.now(), token=token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("accounts:profile")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch language: saved on the account, so it follows the user to any device."""
    chosen = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    try:
        user_language_set(actor=signed_in(request), now=clock.now(), language=chosen)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return response
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = signed_in(self.request)
            password_changed(actor=user, now=clock.now(), user=user, how="changed")
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = NoticePasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if not reset_allowed(now=clock.now(), email=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())  # said the same: sent
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            password_changed(actor=user, now=clock.now(), user=user, how="reset")
        signin_succeeded(username=user.get_username())  # a new password lifts the user's lock
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return response
