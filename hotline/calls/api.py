"""The call floor over HTTP: the agent desktop's operations and the team lead's (the PBX's
side, the CTI API, is hotline/calls/cti_api.py)."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.bounds import Moment, PathId
from hotline.calls.board_status import board_extras
from hotline.calls.choices import CallbackFailure
from hotline.calls.day_plan import day_plan
from hotline.calls.desk_notices import refused_after_call
from hotline.calls.floor_json import (
    AlertOut,
    DeskOut,
    WallboardOut,
    alert_json,
    desk_json,
    wallboard_json,
)
from hotline.calls.models import (
    CALLBACK_NUMBER_LENGTH,
    TRANSFER_REASON_LENGTH,
    WRAP_UP_NOTE_LENGTH,
    AgentSession,
    Call,
    Callback,
    Offer,
    Queue,
)
from hotline.calls.selectors import desk_view, local_day_start, team_zone, wallboard
from hotline.calls.services.agents import (
    agent_leave_request,
    agent_log_in,
    agent_log_out,
    agent_make_ready,
)
from hotline.calls.services.alerts import alert_acknowledge, alerts_for
from hotline.calls.services.calls import (
    agent_wrap_up_end,
    call_end,
    offer_accept,
    offer_decline,
)
from hotline.calls.services.transfers import (
    call_take_over,
    transfer_accept,
    transfer_decline,
    transfer_request,
)
from hotline.calls.services.waiting import (
    CallbackOutcome,
    callback_record_outcome,
    callback_schedule,
)
from hotline.calls.services.wrap_up import call_wrap_up_record
from hotline.core.breaks import LeaveKind

router = Router(tags=["call floor"])


class AgentStateOut(Schema):
    agent: str
    state: str
    since: datetime
    reason: str


class CallOut(Schema):
    id: int
    state: str
    caller_number: str
    customer: str | None
    agent: str | None
    answered_at: datetime | None


def _state(session: AgentSession | None) -> AgentStateOut | None:
    if session is None:
        return None
    return AgentStateOut(
        agent=session.agent.username,
        state=session.state,
        since=session.state_since.astimezone(team_zone(session.team)),  # the site's time
        reason=session.reason,
    )


def _call(call: Call | None) -> CallOut | None:
    if call is None:
        return None
    return CallOut(
        id=call.pk,
        state=call.state,
        caller_number=call.caller_number,
        customer=call.customer.name if call.customer else None,
        agent=call.agent.username if call.agent else None,
        answered_at=call.answered_at,
    )


@router.get("/desk", response=DeskOut, summary="My desk: state, offer, call, transfer, A3 progress")
def floor_desk(request: HttpRequest) -> DeskOut:
    now = clock.now()
    me = signed_in(request)
    view = desk_view(me, now)
    today = local_day_start(me.team, now) if me.team else now
    return desk_json(
        view, now, day_plan=day_plan(me, today.date()), refused=refused_after_call(me, today)
    )


@router.post("/login", response=AgentStateOut, summary="Join the floor (not ready yet)")
def floor_login(request: HttpRequest) -> AgentStateOut | None:
    return _state(agent_log_in(actor=signed_in(request), now=clock.now()))


@router.post("/ready", response=AgentStateOut, summary="Ready for calls")
def floor_ready(request: HttpRequest) -> AgentStateOut | None:
    return _state(agent_make_ready(actor=signed_in(request), now=clock.now()))


@router.post("/logout", response=AgentStateOut, summary="Leave the floor (B5, B6)")
def floor_logout(request: HttpRequest) -> AgentStateOut | None:
    return _state(agent_log_out(actor=signed_in(request), now=clock.now()))


class FloorLeaveIn(Schema):
    kind: LeaveKind


class FloorLeaveOut(Schema):
    id: int
    kind: str
    state: str


@router.post("/leave", response=FloorLeaveOut, summary="Ask for a break, lunch or away (B2-B6)")
def floor_leave(request: HttpRequest, leave: FloorLeaveIn) -> FloorLeaveOut:
    made = agent_leave_request(actor=signed_in(request), now=clock.now(), kind=leave.kind)
    return FloorLeaveOut(id=made.pk, kind=made.kind, state=made.state)


@router.post("/offers/{offer_id}/accept", response=CallOut, summary="Answer the ringing call")
def floor_offer_accept(request: HttpRequest, offer_id: int) -> CallOut | None:
    return _call(offer_accept(actor=signed_in(request), now=clock.now(), offer_id=offer_id))


@router.post("/offers/{offer_id}/decline", response={204: None}, summary="Decline the ringing call")
def floor_offer_decline(request: HttpRequest, offer_id: int) -> Status[None]:
    get_object_or_404(Offer, pk=offer_id, agent=signed_in(request))
    offer_decline(actor=signed_in(request), now=clock.now(), offer_id=offer_id)
    return Status(204, None)


def _my_call(request: HttpRequest, call_id: int) -> Call:
    return get_object_or_404(Call, pk=call_id, agent=signed_in(request))


@router.post("/calls/{call_id}/end", response=CallOut, summary="Hang up; wrap-up starts")
def floor_call_end(request: HttpRequest, call_id: int) -> CallOut | None:
    _my_call(request, call_id)
    return _call(call_end(actor=signed_in(request), now=clock.now(), call_id=call_id))


class WrapUpIn(Schema):
    code: Literal[
        "resolved", "case_opened", "case_updated", "info_given", "callback_promised", "wrong_number"
    ] = Field(description="How the call ended (WrapUpCode).")
    note: str = Field("", max_length=WRAP_UP_NOTE_LENGTH)


class WrapUpOut(Schema):
    call: int
    code: str
    note: str


@router.post("/calls/{call_id}/wrap-up", response=WrapUpOut, summary="Record how my call ended")
def floor_call_wrap_up(request: HttpRequest, call_id: int, body: WrapUpIn) -> WrapUpOut:
    _my_call(request, call_id)
    call = call_wrap_up_record(
        actor=signed_in(request), now=clock.now(), call_id=call_id, code=body.code, note=body.note
    )
    return WrapUpOut(call=call.pk, code=call.wrap_up_code, note=call.wrap_up_note)


@router.post("/wrap-up/end", response=AgentStateOut, summary="Wrap-up done")
def floor_wrap_up_end(request: HttpRequest) -> AgentStateOut | None:
    agent = signed_in(request)
    return _state(agent_wrap_up_end(actor=agent, now=clock.now(), agent=agent))


class TransferIn(Schema):
    to_agent: str = Field(max_length=150)  # a user name
    reason: str = Field(max_length=TRANSFER_REASON_LENGTH)


class TransferOut(Schema):
    id: int
    outcome: str
    expires_at: datetime


@router.post("/calls/{call_id}/transfer", response=TransferOut, summary="Ask a colleague (A4)")
def floor_transfer(request: HttpRequest, call_id: int, body: TransferIn) -> TransferOut:
    _my_call(request, call_id)
    me = signed_in(request)
    to_agent = get_object_or_404(User, username=body.to_agent, team=me.team_id)
    made = transfer_request(
        actor=me, now=clock.now(), call_id=call_id, to_agent=to_agent, reason=body.reason
    )
    zone = team_zone(made.call.queue.team)  # the site's time, as the desk shows it
    return TransferOut(
        id=made.pk, outcome=made.outcome, expires_at=made.expires_at.astimezone(zone)
    )


@router.post("/transfers/{transfer_id}/accept", response=CallOut, summary="Take the transfer")
def floor_transfer_accept(request: HttpRequest, transfer_id: PathId) -> CallOut | None:
    return _call(
        transfer_accept(actor=signed_in(request), now=clock.now(), transfer_id=transfer_id)
    )


@router.post("/transfers/{transfer_id}/decline", response={204: None}, summary="Decline it")
def floor_transfer_decline(request: HttpRequest, transfer_id: PathId) -> Status[None]:
    transfer_decline(actor=signed_in(request), now=clock.now(), transfer_id=transfer_id)
    return Status(204, None)


class CallbackIn(Schema):
    queue: str = Field(max_length=30)  # a queue's code
    number: str = Field(max_length=CALLBACK_NUMBER_LENGTH)
    window_start: Moment
    window_end: Moment


class CallbackOut(Schema):
    id: int
    number: str
    state: str
    window_start: datetime
    window_end: datetime


@router.post("/callbacks", response=CallbackOut, summary="Promise a callback (B8, C1)")
def floor_callback(request: HttpRequest, body: CallbackIn) -> CallbackOut:
    me = signed_in(request)
    queue = get_object_or_404(Queue, code=body.queue, team=me.team_id)
    made = callback_schedule(
        actor=me,
        now=clock.now(),
        queue=queue,
        number=body.number,
        window_start=body.window_start,
        window_end=body.window_end,
    )
    zone = team_zone(queue.team)  # the site's time, as the desk shows it
    return CallbackOut(
        id=made.pk,
        number=made.number,
        state=made.state,
        window_start=made.window_start.astimezone(zone),
        window_end=made.window_end.astimezone(zone),
    )


class CallbackOutcomeIn(Schema):
    outcome: CallbackOutcome
    # Every CallbackFailure but window_passed, which only the floor itself records.
    reason: Literal["no_answer", "busy", "wrong_number", "voicemail", "refused"] | None = Field(
        None, description="Why a failed callback did not reach the customer."
    )
    retry_at: Moment | None = Field(
        None, description="A failed callback is tried again then, inside its window."
    )


class CallbackOutcomeOut(CallbackOut):
    failure: str


@router.post(
    "/callbacks/{callback_id}/outcome",
    response=CallbackOutcomeOut,
    summary="After dialling: the callback completed or failed, and why (B8)",
)
def floor_callback_outcome(
    request: HttpRequest, callback_id: int, body: CallbackOutcomeIn
) -> CallbackOutcomeOut:
    me = signed_in(request)
    get_object_or_404(Callback, pk=callback_id, queue__team=me.team_id)  # another team's: 404
    made = callback_record_outcome(
        actor=me,
        now=clock.now(),
        callback_id=callback_id,
        outcome=body.outcome,
        failure=CallbackFailure(body.reason) if body.reason else None,
        retry_at=body.retry_at,
    )
    return CallbackOutcomeOut(
        id=made.pk,
        number=made.number,
        state=made.state,
        window_start=made.window_start,
        window_end=made.window_end,
        failure=made.failure,
    )


@router.get("/wallboard", response=WallboardOut, summary="The team's floor and today's KPIs")
def floor_wallboard(request: HttpRequest) -> WallboardOut:
    lead = signed_in(request)
    if lead.team is None:  # a set-up matter, not a rule of the rulebook: no rule id (as the desk)
        raise PermissionDenied(gettext("The wallboard shows a team: you have none."))
    now = clock.now()
    board = wallboard(lead.team, now)
    return wallboard_json(board, now, board_extras(board, now))


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response=AlertOut,
    summary="Acknowledge an alert of the floor (its team's lead, or a manager)",
)
def floor_alert_acknowledge(request: HttpRequest, alert_id: PathId) -> AlertOut:
    """Seen: who and when are kept with the alert and in the event log. Acknowledging again
    changes nothing. Another team's alert is, to its reader, one that does not exist (404)."""
    user = signed_in(request)
    alert = get_object_or_404(alerts_for(user), pk=alert_id)
    done = alert_acknowledge(actor=user, now=clock.now(), alert=alert)
    return alert_json(done, team_zone(done.team))


class TakeOverIn(Schema):
    reason: str = Field(max_length=500)


@router.post("/calls/{call_id}/take-over", response=CallOut, summary="Team lead takes a call (B10)")
def floor_take_over(request: HttpRequest, call_id: int, body: TakeOverIn) -> CallOut | None:
    lead = signed_in(request)
    get_object_or_404(Call, pk=call_id, queue__team=lead.team_id)
    return _call(call_take_over(actor=lead, now=clock.now(), call_id=call_id, reason=body.reason))
