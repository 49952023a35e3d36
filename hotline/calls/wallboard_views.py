"""The team lead's wallboard: the floor now, today's service level against its target, the day
per half hour against the workforce plan, and the alerts to acknowledge. The panel refreshes when
the floor signals a change (and every 15 s, so the waiting times' levels and the chart move on).
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.calls.board_status import (
    SERVICE_LEVEL_NEAR,
    WAIT_WARNING_SHARE,
    ServiceLevel,
    WaitStatus,
    service_levels,
    team_legs,
    wait_status,
)
from hotline.calls.intraday import Intraday, intraday
from hotline.calls.intraday_chart import intraday_svg
from hotline.calls.models import Alert
from hotline.calls.selectors import WaitingRow, Wallboard, local_day_start, wallboard
from hotline.calls.services.alerts import alert_acknowledge, alerts_for
from hotline.rulebook.selectors import current_rulebook

ACKNOWLEDGED_SHOWN = 10


@dataclass(frozen=True)
class WaitingLine:
    row: WaitingRow
    wait: WaitStatus


@dataclass(frozen=True)
class BoardExtras:
    service_level: ServiceLevel
    queues: list[ServiceLevel]
    waiting: list[WaitingLine]
    chart: Intraday
    chart_svg: SafeString
    acknowledged: list[Alert]  # today's, newest first


def board_extras(board: Wallboard, now: datetime) -> BoardExtras:
    rules = current_rulebook()
    team = board.team
    legs = team_legs(team, local_day_start(team, now))
    team_level, queues = service_levels(rules, team, legs)
    chart = intraday(rules, team, board.zone, now, legs, team_level.target)
    return BoardExtras(
        service_level=team_level,
        queues=queues,
        waiting=[WaitingLine(row, wait_status(rules, row.call, now)) for row in board.waiting],
        chart=chart,
        chart_svg=intraday_svg(chart),
        acknowledged=list(
            Alert.objects.filter(
                team=team,
                acknowledged_at__isnull=False,
                raised_at__gte=local_day_start(team, now),
            )
            .select_related("agent", "acknowledged_by")
            .order_by("-acknowledged_at")[:ACKNOWLEDGED_SHOWN]
        ),
    )


def _board_context(lead: User) -> dict[str, object]:
    now = clock.now()
    board = wallboard(lead.team, now) if lead.team else None
    return {
        "board": board,
        "now": now,
        "extras": board_extras(board, now) if board else None,
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
