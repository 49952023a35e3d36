from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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


LAST_SEEN = "hotline_last_seen"
# The last-seen time is written at most this often: not a session save on every poll.
LAST_SEEN_STEP_SECONDS = 60


def wall_now() -> datetime:
    """Session idleness is the web session's, in wall time like Django's own session expiry,
    not the business clock (`hotline.clock`), which tests and simulations move by days while
    the same person stays signed in."""
    return timezone.now()


def session_seen(session: Any, now: datetime) -> None:
    """Start the idle time again: now, and the session's own expiry (cookie and store)."""
    session[LAST_SEEN] = now.timestamp()
    session.set_expiry(settings.HOTLINE_SESSION_IDLE_MINUTES * 60)


class SessionIdleMiddleware:
    """A session unused for HOTLINE_SESSION_IDLE_MINUTES ends: the next request is anonymous
    (a page asks to sign in again, the API answers 401). Sliding: each request starts the
    time again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request, wall_now())
        return self.get_response(request)

    def _check(self, request: HttpRequest, now: datetime) -> None:
        idle = settings.HOTLINE_SESSION_IDLE_MINUTES * 60
        seen = request.session.get(LAST_SEEN)
        if seen is not None and now.timestamp() - seen > idle:
            logout(request)  # flushes the session
            messages.info(request, _("You were signed out after a while without activity."))
            return
        if seen is None or now.timestamp() - seen >= LAST_SEEN_STEP_SECONDS:
            session_seen(request.session, now)


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
