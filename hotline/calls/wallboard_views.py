"""The team lead's wallboard: the floor now, today's service level against its target, the day
per half hour against the workforce plan, and the alerts to acknowledge. The panel refreshes when
the floor signals a change (and every 15 s, so the waiting times' levels and the chart move on).
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.calls.board_status import SERVICE_LEVEL_NEAR, WAIT_WARNING_SHARE, board_extras
from hotline.calls.intraday_chart import intraday_svg
from hotline.calls.models import Alert
from hotline.calls.selectors import wallboard
from hotline.calls.services.alerts import alert_acknowledge, alerts_for


def _board_context(lead: User) -> dict[str, object]:
    now = clock.now()
    board = wallboard(lead.team, now) if lead.team else None
    extras = board_extras(board, now) if board else None
    # With the SIP edge, the lead may listen live to the calls in progress (hotline/voice).
    listening = bool(settings.HOTLINE_VOICE_WS_URL) and board is not None
    return {
        "listening": listening,
        "board": board,
        "now": now,
        "extras": extras,
        "chart_svg": intraday_svg(extras.chart) if extras else "",
        "near_points": SERVICE_LEVEL_NEAR,
        "warn_share": round(WAIT_WARNING_SHARE * 100),
    }


def wallboard_page(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/wallboard.html", _board_context(signed_in(request)))


def wallboard_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/_wallboard_panel.html", _board_context(signed_in(request)))


@require_POST
def wallboard_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The wallboard's "Seen" button: the panel again (htmx), or back to the page (no script).
    Another team's alert, or one that does not exist, is a 404."""
    lead = signed_in(request)
    try:
        alert = alerts_for(lead).get(pk=alert_id)
        alert_acknowledge(actor=lead, now=clock.now(), alert=alert)
    except Alert.DoesNotExist:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        return render(request, "calls/_wallboard_panel.html", _board_context(lead))
    return redirect("calls:wallboard")
