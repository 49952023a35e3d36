"""Agent desktop and wallboard pages; both refresh their panel when the floor signals a change."""

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from django.contrib.auth import aget_user
from django.core.exceptions import ObjectDoesNotExist
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.calls.choices import AFTER_CALL_CHOICES, LEAVE_CHOICES
from hotline.calls.models import Queue
from hotline.calls.selectors import desk_view, wallboard
from hotline.calls.services.agents import (
    agent_leave_request,
    agent_log_in,
    agent_log_out,
    agent_make_ready,
)
from hotline.calls.services.calls import agent_wrap_up_end, call_end, offer_accept, offer_decline
from hotline.calls.services.transfers import transfer_accept, transfer_decline, transfer_request
from hotline.calls.services.waiting import callback_schedule
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal
from hotline.i18n import refusal_text
from hotline.live import floor_signals, newest_event_id

STREAM_LIFETIME_SECONDS = 300.0


def desk(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/desk.html", _desk_context(signed_in(request)))


def desk_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/_desk_panel.html", _desk_context(signed_in(request)))


def _desk_context(agent: User, refusal: PolicyRefusal | None = None) -> dict[str, object]:
    now = clock.now()
    return {
        "desk": desk_view(agent, now),
        "now": now,
        "refusal": refusal,
        "refusal_text": refusal_text(refusal) if refusal else "",
        "leave_choices": LEAVE_CHOICES,
        "after_call_choices": AFTER_CALL_CHOICES,
    }


def _int(request: HttpRequest, name: str) -> int:
    return int(request.POST.get(name, "0") or 0)


def _datetime(request: HttpRequest, name: str) -> datetime:
    return datetime.fromisoformat(request.POST.get(name, ""))


# (request, agent, now, argument of the button: "leave:break" gives "break")
DeskAction = Callable[[HttpRequest, User, datetime, str], object]

DESK_ACTIONS: dict[str, DeskAction] = {
    "login": lambda r, me, now, arg: agent_log_in(actor=me, now=now),
    "ready": lambda r, me, now, arg: agent_make_ready(actor=me, now=now),
    "logout": lambda r, me, now, arg: agent_log_out(actor=me, now=now),
    "leave": lambda r, me, now, arg: agent_leave_request(actor=me, now=now, kind=LeaveKind(arg)),
    "accept": lambda r, me, now, arg: offer_accept(actor=me, now=now, offer_id=_int(r, "offer")),
    "decline": lambda r, me, now, arg: offer_decline(actor=me, now=now, offer_id=_int(r, "offer")),
    "end": lambda r, me, now, arg: call_end(actor=me, now=now, call_id=_int(r, "call")),
    "wrap_end": lambda r, me, now, arg: agent_wrap_up_end(actor=me, now=now, agent=me),
    "transfer": lambda r, me, now, arg: transfer_request(
        actor=me,
        now=now,
        call_id=_int(r, "call"),
        reason=r.POST.get("reason", ""),
        to_agent=get_object_or_404(User, pk=_int(r, "to_agent"), team=me.team_id),
    ),
    "transfer_accept": lambda r, me, now, arg: transfer_accept(
        actor=me, now=now, transfer_id=_int(r, "transfer")
    ),
    "transfer_decline": lambda r, me, now, arg: transfer_decline(
        actor=me, now=now, transfer_id=_int(r, "transfer")
    ),
    "callback": lambda r, me, now, arg: callback_schedule(
        actor=me,
        now=now,
        number=r.POST.get("number", ""),
        queue=get_object_or_404(Queue, team=me.team_id, pk=_int(r, "queue")),
        window_start=_datetime(r, "window_start"),
        window_end=_datetime(r, "window_end"),
    ),
}


@require_POST
def desk_action(request: HttpRequest) -> HttpResponse:
    """One button of the desk; a refusal comes back in the panel, naming its rule."""
    me = signed_in(request)
    name, _, argument = request.POST.get("action", "").partition(":")
    action = DESK_ACTIONS.get(name)
    if action is None:
        return HttpResponse(status=400)
    refusal = None
    try:
        action(request, me, clock.now(), argument)
    except PolicyRefusal as refused:
        refusal = refused
    except ObjectDoesNotExist:
        return HttpResponse(status=404)
    except (ValueError, KeyError):
        return HttpResponse(status=400)
    status = 409 if refusal else 200
    return render(request, "calls/_desk_panel.html", _desk_context(me, refusal), status=status)


def wallboard_page(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/wallboard.html", _board_context(signed_in(request)))


def wallboard_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/_wallboard_panel.html", _board_context(signed_in(request)))


def _board_context(lead: User) -> dict[str, object]:
    now = clock.now()
    board = wallboard(lead.team, now) if lead.team else None
    return {"board": board, "now": now}


async def stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-Sent Events: `floor` whenever the floor changed; the page then fetches its panel.

    Under ASGI (`hotline serve`) the stream stays open. Under WSGI (the test server) it answers
    once and closes, and EventSource reconnects, sending the last id it saw.
    """
    await aget_user(request)  # the middleware already checked the role
    last_seen = request.headers.get("Last-Event-ID", "")
    start = int(last_seen) if last_seen.isdigit() else await newest_event_id()
    lifetime = STREAM_LIFETIME_SECONDS if isinstance(request, ASGIRequest) else 0.0

    async def events() -> AsyncIterator[str]:
        # The id tells a reconnecting browser where it left off (sent back as Last-Event-ID).
        yield f"retry: 1000\nid: {start}\n\n"
        async for newest in floor_signals(start, lifetime=lifetime):
            if newest is None:
                yield ": still here\n\n"
            else:
                yield f"id: {newest}\nevent: floor\ndata: {json.dumps({'event': newest})}\n\n"

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
