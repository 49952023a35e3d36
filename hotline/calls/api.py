"""The call floor over HTTP: the agent desktop's operations and the team lead's (the PBX's
side, the CTI API, is hotline/calls/cti_api.py)."""

from datetime import datetime, timedelta

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.calls.models import AgentSession, Call, Offer, Queue
from hotline.calls.selectors import desk_view, wallboard
from hotline.calls.services.agents import (
    agent_leave_override,
    agent_leave_request,
    agent_log_in,
    agent_log_out,
    agent_make_ready,
)
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
from hotline.calls.services.waiting import callback_schedule
from hotline.core.breaks import LeaveKind
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal

router = Router(tags=["call floor"])


class AgentStateOut(Schema):
    agent: str
    state: str
    since: datetime
    reason: str


class OfferOut(Schema):
    id: int
    call_id: int | None
    callback_id: int | None
    expires_at: datetime


class CallOut(Schema):
    id: int
    state: str
    caller_number: str
    customer: str | None
    agent: str | None
    answered_at: datetime | None


class DeskOut(Schema):
    state: AgentStateOut | None
    offer: OfferOut | None
    call: CallOut | None
    talk_level: str | None
    handled_today: int
    daily_target: int


def _state(session: AgentSession | None) -> AgentStateOut | None:
    if session is None:
        return None
    return AgentStateOut(
        agent=session.agent.username,
        state=session.state,
        since=session.state_since,
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


def _offer(offer: Offer | None) -> OfferOut | None:
    if offer is None:
        return None
    return OfferOut(
        id=offer.pk,
        call_id=offer.call_id,
        callback_id=offer.callback_id,
        expires_at=offer.expires_at,
    )


@router.get("/desk", response=DeskOut, summary="My desk: state, ringing offer, call, A3 progress")
def floor_desk(request: HttpRequest) -> DeskOut:
    view = desk_view(signed_in(request), clock.now())
    return DeskOut(
        state=_state(view.session),
        offer=_offer(view.offer),
        call=_call(view.call),
        talk_level=view.talk.level if view.talk else None,
        handled_today=view.progress.handled,
        daily_target=view.progress.target,
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


@router.post("/wrap-up/end", response=AgentStateOut, summary="Wrap-up done")
def floor_wrap_up_end(request: HttpRequest) -> AgentStateOut | None:
    agent = signed_in(request)
    return _state(agent_wrap_up_end(actor=agent, now=clock.now(), agent=agent))


class TransferIn(Schema):
    to_agent: str
    reason: str


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
    return TransferOut(id=made.pk, outcome=made.outcome, expires_at=made.expires_at)


@router.post("/transfers/{transfer_id}/accept", response=CallOut, summary="Take the transfer")
def floor_transfer_accept(request: HttpRequest, transfer_id: int) -> CallOut | None:
    return _call(
        transfer_accept(actor=signed_in(request), now=clock.now(), transfer_id=transfer_id)
    )


@router.post("/transfers/{transfer_id}/decline", response={204: None}, summary="Decline it")
def floor_transfer_decline(request: HttpRequest, transfer_id: int) -> Status[None]:
    transfer_decline(actor=signed_in(request), now=clock.now(), transfer_id=transfer_id)
    return Status(204, None)


class CallbackIn(Schema):
    queue: str
    number: str
    window_start: datetime
    window_end: datetime


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
    return CallbackOut(
        id=made.pk,
        number=made.number,
        state=made.state,
        window_start=made.window_start,
        window_end=made.window_end,
    )


class KpisOut(Schema):
    service_level: float | None
    service_level_answered: float | None
    average_speed_of_answer_s: float | None
    average_handle_time_s: float | None
    abandonment: float | None
    occupancy: float | None
    transfer_rate: float | None
    callback_completion: float | None
    over_limit_calls: int


class WallboardOut(Schema):
    team: str
    waiting: list[CallOut]
    agents: list[AgentStateOut]
    callbacks_due: int
    kpis: KpisOut


@router.get("/wallboard", response=WallboardOut, summary="The team's floor and today's KPIs")
def floor_wallboard(request: HttpRequest) -> WallboardOut:
    lead = signed_in(request)
    if lead.team is None:
        raise PolicyRefusal("B9", gettext_noop("The wallboard shows a team: you have none."))
    board = wallboard(lead.team, clock.now())
    k = board.kpis
    return WallboardOut(
        team=board.team.name,
        waiting=[c for c in (_call(row.call) for row in board.waiting) if c],
        agents=[a for a in (_state(row.session) for row in board.agents) if a],
        callbacks_due=board.callbacks_due,
        kpis=KpisOut(
            service_level=k.service_level_strict,
            service_level_answered=k.service_level_answered,
            average_speed_of_answer_s=_seconds(k.average_speed_of_answer),
            average_handle_time_s=_seconds(k.average_handle_time),
            abandonment=k.abandonment_rate,
            occupancy=k.occupancy,
            transfer_rate=k.transfer_rate,
            callback_completion=k.callback_completion,
            over_limit_calls=k.over_limit_calls,
        ),
    )


def _seconds(value: object) -> float | None:
    return value.total_seconds() if isinstance(value, timedelta) else None


class OverrideIn(Schema):
    kind: LeaveKind
    reason: str
    rule: str = "B4"


@router.post(
    "/agents/{username}/override-leave",
    response=FloorLeaveOut,
    summary="Team lead: let an agent leave despite a refusal (audited)",
)
def floor_override_leave(request: HttpRequest, username: str, body: OverrideIn) -> FloorLeaveOut:
    lead = signed_in(request)
    agent = get_object_or_404(User, username=username, team=lead.team_id)
    made = agent_leave_override(
        actor=lead, now=clock.now(), agent=agent, kind=body.kind, reason=body.reason
    )
    return FloorLeaveOut(id=made.pk, kind=made.kind, state=made.state)


class ReasonIn(Schema):
    reason: str


@router.post("/calls/{call_id}/take-over", response=CallOut, summary="Team lead takes a call (B10)")
def floor_take_over(request: HttpRequest, call_id: int, body: ReasonIn) -> CallOut | None:
    lead = signed_in(request)
    get_object_or_404(Call, pk=call_id, queue__team=lead.team_id)
    return _call(call_take_over(actor=lead, now=clock.now(), call_id=call_id, reason=body.reason))
