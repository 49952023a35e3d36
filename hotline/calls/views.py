"""Agent desktop and wallboard pages, which refresh their panel when the floor signals a change;
and the call quality review pages (B11)."""

import json
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import aget_user
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import may_open_view
from hotline.accounts.selectors import agents_for
from hotline.accounts.templatetags.hotline import percent
from hotline.accounts.views import signed_in
from hotline.audit.live import connection_given_back, floor_signals, newest_event_id
from hotline.audit.models import Event
from hotline.calls.choices import AFTER_CALL_CHOICES, LEAVE_CHOICES
from hotline.calls.conflicts import CallConflict
from hotline.calls.day_plan import day_plan
from hotline.calls.desk_notices import dismiss as dismiss_notice
from hotline.calls.desk_notices import refused_after_call
from hotline.calls.dialling import desk_dialling, requested_dial
from hotline.calls.models import (
    CALLBACK_NUMBER_LENGTH,
    TRANSFER_REASON_LENGTH,
    Call,
    CallReview,
    Queue,
)
from hotline.calls.selectors import (
    calls_to_review,
    desk_view,
    local_day_start,
    quality_by_agent,
    review_facts,
    review_for,
    review_page,
    reviewable_calls,
    reviews_for,
)
from hotline.calls.services.agents import (
    agent_leave_request,
    agent_log_in,
    agent_log_out,
    agent_make_ready,
)
from hotline.calls.services.calls import agent_wrap_up_end, call_end, offer_accept, offer_decline
from hotline.calls.services.reviews import call_review_create, check_reviewable, existing_review
from hotline.calls.services.transfers import transfer_accept, transfer_decline, transfer_request
from hotline.calls.services.waiting import callback_schedule
from hotline.core.breaks import LeaveKind
from hotline.core.refusal import PolicyRefusal
from hotline.core.scorecard import MARK_LABELS, SCORECARD, Mark, mark_label
from hotline.i18n import conflict_text, refusal_text
from hotline.paging import page_number
from hotline.rulebook.selectors import centre_time_zone

STREAM_LIFETIME_SECONDS = 300.0
EVENT_ID_DIGITS = 18  # a bigint; a longer `after` or Last-Event-ID is ignored


def desk(request: HttpRequest) -> HttpResponse:
    drawn_from = Event.objects.aggregate(newest=Max("id"))["newest"] or 0  # read first
    context = {
        **_desk_context(signed_in(request), session=request.session),
        "desk_keys_json": _keys_json(),
        "drawn_from": drawn_from,
        # The softphone (calls/_desk_phone.html) only when the SIP edge's WebSocket is set.
        "softphone": bool(settings.HOTLINE_VOICE_WS_URL),
        # A follow-up page's Call (?dial=): the number, for the phone's Call button.
        "dial_request": requested_dial(request.GET.get("dial", "")),
    }
    return render(request, "calls/desk.html", context)


def desk_panel(request: HttpRequest) -> HttpResponse:
    context = _desk_context(signed_in(request), session=request.session)
    return render(request, "calls/_desk_panel.html", context)


# The desk's keys (single letters, not while typing in a field; desk.js): a key presses the
# first button shown whose action is listed ("transfer" goes to the transfer form instead).
DESK_KEYS: list[tuple[str, tuple[str, ...], Any]] = [
    ("a", ("accept", "transfer_accept"), gettext_lazy("Answer (or take a transferred call)")),
    ("d", ("decline", "transfer_decline"), gettext_lazy("Decline")),
    ("h", ("end",), gettext_lazy("Hang up: end the call")),
    ("r", ("ready", "wrap_end", "login"), gettext_lazy("Ready (log in, wrap-up done)")),
    ("n", ("leave:away",), gettext_lazy("Not ready (away)")),
    ("b", ("leave:break",), gettext_lazy("Break (after the call, during one)")),
    ("t", ("transfer",), gettext_lazy("Transfer: to the transfer form")),
]


def _keys_json() -> str:
    return json.dumps({key: actions for key, actions, _label in DESK_KEYS})


def _desk_context(
    agent: User,
    refusal: PolicyRefusal | None = None,
    *,
    error: str = "",
    typed: Mapping[str, str] | None = None,
    session: SessionBase | None = None,
) -> dict[str, object]:
    now = clock.now()
    view = desk_view(agent, now)
    today = local_day_start(agent.team, now) if agent.team else now
    return {
        "desk": view,
        "now": now,
        # B5: a break asked during a call and refused when the wrap-up ended, until dismissed.
        "refused_after_call": refused_after_call(agent, today, session) if session else None,
        "day_plan": day_plan(agent, today.date()),
        "desk_keys": DESK_KEYS,
        "refusal": refusal,
        "refusal_text": refusal_text(refusal) if refusal else "",
        # Bad input or a call's state conflict (no rule named), and what was typed, kept.
        "error": error,
        "typed": typed or {},
        "reason_max": TRANSFER_REASON_LENGTH,
        "leave_choices": LEAVE_CHOICES,
        "after_call_choices": AFTER_CALL_CHOICES,
        "dialling": desk_dialling(),  # a callback's Call button (voice/_dial.html)
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
    "dismiss": lambda r, me, now, arg: dismiss_notice(r.session, int(arg)),
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


# What the desk's forms let people type, bounded as the columns keep it (the browser's
# maxlength is only a hint): longer is a 400 with the form as typed, before any service runs.
TYPED_LENGTHS = {"reason": TRANSFER_REASON_LENGTH, "number": CALLBACK_NUMBER_LENGTH}
TYPED_LABELS = {"reason": gettext_lazy("Reason"), "number": gettext_lazy("Number")}


def _too_long(typed: Mapping[str, str]) -> str:
    """Why the first field typed longer than its column is refused, or ""."""
    for name, limit in TYPED_LENGTHS.items():
        if len(typed.get(name, "")) > limit:
            return gettext("%(field)s is too long: at most %(max)s characters.") % {
                "field": TYPED_LABELS[name],
                "max": limit,
            }
    return ""


@require_POST
def desk_action(request: HttpRequest) -> HttpResponse:
    """One button of the desk; a refusal comes back in the panel, naming its rule; a call's
    state conflict (no rule at stake) and too long input with their message, nothing changed."""
    me = signed_in(request)
    name, _, argument = request.POST.get("action", "").partition(":")
    action = DESK_ACTIONS.get(name)
    if action is None:
        return HttpResponse(status=400)
    too_long = _too_long(request.POST)
    if too_long:
        context = _desk_context(me, error=too_long, typed=request.POST, session=request.session)
        return render(request, "calls/_desk_panel.html", context, status=400)
    refusal = None
    try:
        action(request, me, clock.now(), argument)
    except PolicyRefusal as refused:
        refusal = refused
    except CallConflict as conflict:
        context = _desk_context(me, error=conflict_text(conflict), session=request.session)
        return render(request, "calls/_desk_panel.html", context, status=409)
    except ObjectDoesNotExist:
        return HttpResponse(status=404)
    except (ValueError, KeyError):
        return HttpResponse(status=400)
    status = 409 if refusal else 200
    context = _desk_context(me, refusal, session=request.session)
    return render(request, "calls/_desk_panel.html", context, status=status)


def _event_id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= EVENT_ID_DIGITS else None


async def stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-Sent Events: `floor` whenever the floor changed; the page then fetches its panel.

    Under ASGI (`hotline serve`) the stream stays open. Under WSGI (the test server) it answers
    once and closes, and EventSource reconnects, sending the last id it saw.
    """
    await aget_user(request)  # the middleware already checked the role
    last_seen = request.headers.get("Last-Event-ID", "")
    # The page's own first connection says what it was drawn from (`after`): an event between
    # drawing it and connecting is then signalled at once, not at the next poll.
    drawn_from = request.GET.get("after", "")
    if _event_id(last_seen) is not None:
        start = int(last_seen)
    elif _event_id(drawn_from) is not None:
        start = int(drawn_from)
    else:
        start = await newest_event_id()
    await connection_given_back()
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


# --- quality reviews (B11) -----------------------------------------------------------------------


def reviews(request: HttpRequest) -> HttpResponse:
    """Team leads: the team's recent calls to review, and per agent what the reviews say. The
    manager and admins read every team's reviews."""
    user = signed_in(request)
    agents = agents_for(user)
    agent = next((a for a in agents if a.username == request.GET.get("agent")), None)
    page = page_number(request)
    rows, has_next = review_page(user, page, agent=agent.username if agent else "")
    may_review = may_open_view(user.role, "calls:review_call")
    context = {
        "agents": agents,
        "agent": agent,
        "summary": quality_by_agent(reviews_for(user), agents),
        "calls": calls_to_review(user, agent=agent) if may_review else [],
        "may_review": may_review,
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "centre_tz": centre_time_zone(),
    }
    return render(request, "calls/reviews.html", context)


def my_reviews(request: HttpRequest) -> HttpResponse:
    """An agent's own reviews, each with its marks and the team lead's comment."""
    me = signed_in(request)
    page = page_number(request)
    rows, has_next = review_page(me, page)
    context = {
        "summary": quality_by_agent(reviews_for(me), [me])[0],
        "reviews": [(review, scorecard_lines(review.marks)) for review in rows],
        "page": page,
        "has_next": has_next,
        "centre_tz": centre_time_zone(),
    }
    return render(request, "calls/my_reviews.html", context)


def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = signed_in(request)
    try:
        review = review_for(user, review_id)
    except CallReview.DoesNotExist:
        raise Http404 from None
    mine = may_open_view(user.role, "calls:my_reviews")
    context = {
        "review": review,
        "lines": scorecard_lines(review.marks),
        "back": "calls:my_reviews" if mine else "calls:reviews",
        "centre_tz": centre_time_zone(),
    }
    return render(request, "calls/review.html", context)


def review_call(request: HttpRequest, call_id: int) -> HttpResponse:
    """The review form for one call (GET), and saving it (POST). Bad input comes back with the
    form as typed (400), a refusal by B11 with the rule named (409)."""
    lead = signed_in(request)
    try:
        call = (
            reviewable_calls(lead)
            .select_related("agent", "customer", "queue", "review")
            .get(pk=call_id)
        )
    except Call.DoesNotExist:
        raise Http404 from None
    if request.method != "POST":
        try:
            check_reviewable(lead, call)
        except ValidationError as error:
            return _review_form(request, call, error=error, show_form=False)
        return _review_form(request, call)
    marks = {c.code: request.POST.get(f"mark-{c.code}", "") for c in SCORECARD}
    try:
        review = call_review_create(
            actor=lead,
            now=clock.now(),
            call_id=call.pk,
            marks={code: mark for code, mark in marks.items() if mark},
            comment=request.POST.get("comment", ""),
        )
    except PolicyRefusal as refused:
        return _review_form(request, call, marks=marks, refusal=refused, status=409)
    except ValidationError as error:
        return _review_form(request, call, marks=marks, error=error, status=400)
    messages.success(
        request,
        gettext("Review saved: %(score)s for %(agent)s.")
        % {"agent": review.agent, "score": percent(review.score)},
    )
    return redirect("calls:review", review_id=review.pk)


def _review_form(
    request: HttpRequest,
    call: Call,
    *,
    marks: Mapping[str, str] | None = None,
    error: ValidationError | None = None,
    refusal: PolicyRefusal | None = None,
    status: int = 200,
    show_form: bool = True,
) -> HttpResponse:
    error_code = error.error_list[0].code if error is not None else None
    review = existing_review(call)
    context = {
        "call": call,
        "facts": review_facts(call),
        "lines": scorecard_lines(marks or {}, error_code=error_code or ""),
        "comment": request.POST.get("comment", ""),
        "error": " ".join(error.messages) if error is not None else "",
        "refusal": refusal,
        "refusal_text": refusal_text(refusal) if refusal else "",
        "review": review,
        "show_form": show_form and review is None,
        "centre_tz": centre_time_zone(),
    }
    return render(request, "calls/review_form.html", context, status=status)


def scorecard_lines(marks: Mapping[str, str], *, error_code: str = "") -> list[dict[str, Any]]:
    """The scorecard in the reader's language, with the marks given (or typed so far)."""
    return [
        {
            "code": c.code,
            "label": gettext(c.label),
            "rule": c.rule,
            "mark": marks.get(c.code, ""),
            "mark_label": _translated(mark_label(marks.get(c.code, ""))),
            "choices": [
                (mark.value, gettext(MARK_LABELS[mark]))
                for mark in Mark
                if not (c.every_call and mark is Mark.NOT_APPLICABLE)
            ],
            # The refused line, and every other line still without a mark.
            "error": bool(error_code) and (c.code == error_code or not marks.get(c.code)),
        }
        for c in SCORECARD
    ]


def _translated(message: str) -> str:
    return gettext(message) if message else ""  # gettext("") is the catalog's header
