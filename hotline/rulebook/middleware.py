"""Every page shows its times in the centre's time zone, the one its calendar counts in.

Pages that show another zone (the customer's, a team's site) say so with their own
`{% timezone %}` block; this is the default for everything else (the event log, account pages,
forms). The API keeps explicit offsets in its JSON and is left alone."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hotline.rulebook.selectors import centre_time_zone


class CentreTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") or request.path.startswith("/static/"):
            return self.get_response(request)
        with timezone.override(centre_time_zone()):
            return self.get_response(request)
