"""The one place the running system reads the clock (DESIGN.md convention 3).

Views, commands and tasks call `now()` once at their edge and pass the value down.
"""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def page_clock(request: HttpRequest) -> dict[str, int]:
    """The server's time as a page is drawn (a context processor), in milliseconds since the
    epoch: the page's live timers count from it (static/hotline/timers.js), not from the
    browser's clock, which may be minutes off (an A1 talk limit shown late, or early)."""
    return {"server_now_ms": int(now().timestamp() * 1000)}
