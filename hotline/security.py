"""Deployment safety: the Content-Security-Policy header, and no server on the development key."""

import os
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# `hotline demo` sets it for itself and the worker it starts: the demo is a development tool.
DEMO_ENVIRONMENT_FLAG = "HOTLINE_DEMO"


class ContentSecurityPolicyMiddleware:
    """Django 5.2 has no CSP of its own. Every HTML page carries settings.CONTENT_SECURITY_POLICY:
    an injected <script> or inline handler does not run, nothing loads from another origin.
    Only pages: JSON, files and PDFs run no script, and a browser's PDF viewer is an embedded
    object that a PDF answer's own `object-src 'none'` could block."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        page = response.get("Content-Type", "").startswith("text/html")
        if page and settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response


def content_security_policy() -> str:
    """settings.CONTENT_SECURITY_POLICY, its connect-src widened to the SIP edge's WebSocket
    when the desk's softphone is on (HOTLINE_VOICE_WS_URL): that one address, nothing else."""
    policy = settings.CONTENT_SECURITY_POLICY
    edge = settings.HOTLINE_VOICE_WS_URL
    if not edge or any(character in edge for character in " ;,'\"\r\n"):
        return policy  # empty, or not one address: nothing is widened
    return "; ".join(
        f"{directive} {edge}" if directive.split(" ", 1)[0] == "connect-src" else directive
        for directive in policy.split("; ")
    )


def development_key_refusal() -> str:
    """Why a server must not start, or "". Sessions, CSRF tokens and password-reset links are
    signed with SECRET_KEY; the development key is public (it is in settings.py)."""
    if settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY:
        return ""
    if settings.DEBUG or os.environ.get(DEMO_ENVIRONMENT_FLAG) == "1":
        return ""
    return _(
        "Hotline will not start with the development secret key. Set HOTLINE_SECRET_KEY to a "
        'long random value (e.g. python -c "import secrets; print(secrets.token_urlsafe(50))"), '
        "or HOTLINE_DEBUG=1 on a development machine."
    )
