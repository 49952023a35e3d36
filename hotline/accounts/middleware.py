from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from hotline.accounts.permissions import PUBLIC_VIEWS, may_open_view

API_NAMESPACE = "api"


class UserLanguageMiddleware:
    """After sign-in, pages follow the language the user chose, whatever the browser says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class RoleAccessMiddleware:
    """Every page is checked against the permission table before its view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in PUBLIC_VIEWS or name.startswith(f"{API_NAMESPACE}:"):
            return None  # the API checks the same table per operation, token or session
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if may_open_view(request.user.role, name):
            return None
        return render(request, "accounts/forbidden.html", status=403)
