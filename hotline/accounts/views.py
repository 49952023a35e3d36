from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.selectors import home_context
from hotline.accounts.services import user_language_set


def signed_in(request: HttpRequest) -> User:
    """The user of a page behind RoleAccessMiddleware, which lets no anonymous request through."""
    assert isinstance(request.user, User)
    return request.user


def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    return render(request, f"accounts/home_{user.role}.html", home_context(user))


def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html")


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


class LogoutView(auth_views.LogoutView):
    pass
