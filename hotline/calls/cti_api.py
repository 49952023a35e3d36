"""The CTI API: the telephone exchange's (PBX's) side of the call floor (README, CTI API).

Shaped like Zammad's generic CTI push: the PBX tells Hotline that a call arrived, was answered
(and by whom), ended, was abandoned or became a callback, and reads a call's state; each answer
is the call as Hotline sees it then. Hotline's own decisions reach the PBX by a signed webhook
(hotline/calls/tasks.py). Every report may be repeated (a PBX retries): the same report twice
answers the same and changes nothing; a report the call's state cannot take is a 409 that says
the state (and names no rule), or names the rule that refuses it.
"""

from datetime import datetime, timedelta
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.timezone import localtime
from django.utils.translation import gettext
from ninja import Field, Path, Router, Schema, Status
from pydantic import model_validator

from hotline import clock
from hotline.bounds import Moment, Whole
from hotline.calls.api import CallbackOut, CallOut, _call
from hotline.calls.choices import CallState, OfferOutcome
from hotline.calls.conflicts import CallConflict
from hotline.calls.models import Call, Callback, Offer, Queue
from hotline.calls.screen_pop import open_cases
from hotline.calls.services.calls import OWN_CALL_ID_PREFIX, call_arrive
from hotline.calls.services.cti import (
    cti_call_abandon,
    cti_call_answer,
    cti_call_end,
    cti_call_hold,
    cti_call_to_callback,
)
from hotline.core.i18n import gettext_noop
from hotline.core.routing import WaitingWork, WorkKind, position_in_queue
from hotline.rulebook.selectors import centre_time_zone

cti = Router(tags=["CTI (PBX)"])

# The PBX's own id of a call: what it reports the call by ever after (`Call.external_id`).
EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._:@+-]*$"
EXTERNAL_ID_LENGTH = 100
PHONE_NUMBER = r"^(\+?[0-9][0-9 ]*)?$"  # digits, a leading +, spaces; empty: number withheld
USERNAME = r"^[\w.@+-]+$"  # Django's user names
# Bounds on a callback's input (422), not rules of the rulebook: a window further off or
# longer than these is a PBX's mistake, not a caller's wish.
CALLBACK_WINDOW_LONGEST = timedelta(days=7)
CALLBACK_AHEAD_FARTHEST = timedelta(days=90)
SCREEN_POP_CASES = 10  # the most recent open cases shown; the desk has the rest

PbxCallId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=EXTERNAL_ID_LENGTH,
        pattern=EXTERNAL_ID,
        description="The PBX's id of the call, as given on arrival.",
    ),
]


class ArrivalIn(Schema):
    external_id: str = Field(
        min_length=1,
        max_length=EXTERNAL_ID_LENGTH,
        pattern=EXTERNAL_ID,
        description=(
            "The PBX's id of the call: letters, digits and . _ : @ + - (not 'hotline-…': "
            "the ids of the callback calls Hotline places)."
        ),
    )
    queue: str = Field(min_length=1, max_length=30, pattern=r"^[-a-zA-Z0-9_]+$")
    caller_number: str = Field(
        max_length=32,
        pattern=PHONE_NUMBER,
        description="Digits, spaces and a leading +, as the PBX writes it; empty if withheld.",
    )


class AnsweredIn(Schema):
    """Who picked up: the agent's user name, the offer's id (from the arrival's answer, the
    call's state or the `call.offered` push), or both. At least one is required."""

    model_config = {  # the OpenAPI says "at least one", as the validator below does
        "json_schema_extra": {
            "anyOf": [
                {
                    "type": "object",
                    "required": ["agent"],
                    "properties": {"agent": {"type": "string", "minLength": 1, "maxLength": 150}},
                },
                {
                    "type": "object",
                    "required": ["offer_id"],
                    "properties": {
                        "offer_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
                    },
                },
            ]
        }
    }

    agent: str | None = Field(None, min_length=1, max_length=150, pattern=USERNAME)
    offer_id: Whole | None = Field(None, ge=1, le=2**31 - 1)

    @model_validator(mode="after")
    def _says_who(self) -> Self:
        if self.agent is None and self.offer_id is None:
            raise ValueError("say who answered: `agent` (user name) and/or `offer_id`")
        return self


class HoldIn(Schema):
    on_hold: bool = Field(
        strict=True, description="true: the line was put on hold; false: taken off it."
    )


class CallbackWindowIn(Schema):
    """When the caller wants to be called back: times with their UTC offset."""

    window_start: Moment
    window_end: Moment


class OpenCaseOut(Schema):
    id: int
    number: str
    state: str
    summary: str


class CtiCallOut(Schema):
    """A call as Hotline sees it. Times are ISO 8601 with the centre's UTC offset."""

    call: CallOut  # as in the first version of this API
    external_id: str | None
    state: str = Field(json_schema_extra={"enum": list(CallState.values)})
    queue: str
    caller_number: str
    customer_id: int | None
    open_cases: list[OpenCaseOut] = Field(description="The caller's open cases (screen pop).")
    offer_id: int | None = Field(description="The offer ringing now, if any.")
    offered_to: str | None = Field(description="The agent whose desk rings now, if any.")
    offer_expires_at: datetime | None
    answered_by: str | None = Field(description="The agent who has (or had) the call.")
    waiting_position: int | None = Field(description="1 for the next call of its queue.")
    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    held_since: datetime | None = Field(description="On hold since (the talk goes on: A1).")
    hold_seconds: int = Field(description="Time on hold before this hold, in seconds.")


class CtiConflictOut(Schema):
    """409: refused by a rule (`rule` names it), or a report the call's state cannot take
    (`rule` is empty, `state` is the call's state: hotline/api.py answers every CallConflict)."""

    rule: str = ""
    detail: str
    state: str = ""


def _when(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return localtime(moment, zone) if moment is not None else None


def _cti_call(call: Call, *, read_afresh: bool = True) -> CtiCallOut:
    """The call now: the state, who it rings for or who has it, the screen pop. Read afresh,
    unless `call` is what a service that locked and changed it returned (it is the call now:
    reading it again would only cost the PBX's hot path a statement)."""
    if read_afresh:
        call = Call.objects.select_related("queue", "agent", "customer").get(pk=call.pk)
    zone = ZoneInfo(centre_time_zone())
    offer = (
        Offer.objects.filter(call=call, outcome=OfferOutcome.PENDING)
        .select_related("agent")
        .first()
        if call.state == CallState.OFFERED  # only a ringing call has a pending offer
        else None
    )
    out = _call(call)
    assert out is not None
    return CtiCallOut(
        call=out,
        external_id=call.external_id,
        state=call.state,
        queue=call.queue.code,
        caller_number=call.caller_number,
        customer_id=call.customer_id,
        open_cases=_open_cases(call),
        offer_id=offer.pk if offer else None,
        offered_to=offer.agent.username if offer else None,
        offer_expires_at=_when(offer.expires_at if offer else None, zone),
        answered_by=call.agent.username if call.agent else None,
        waiting_position=_waiting_position(call),
        arrived_at=localtime(call.arrived_at, zone),
        answered_at=_when(call.answered_at, zone),
        ended_at=_when(call.ended_at, zone),
        held_since=_when(call.held_since, zone),
        hold_seconds=call.hold_seconds,
    )


def _open_cases(call: Call) -> list[OpenCaseOut]:
    if call.customer is None:
        return []
    return [
        OpenCaseOut(id=case.id, number=case.number, state=case.state, summary=case.summary)
        for case in open_cases(call.customer, SCREEN_POP_CASES)
    ]


def _waiting_position(call: Call) -> int | None:
    if call.state != CallState.WAITING:
        return None
    waiting = [
        WaitingWork(pk, WorkKind.CALL, call.queue_id, priority, arrived)
        for pk, priority, arrived in Call.objects.filter(
            queue=call.queue_id, state=CallState.WAITING
        ).values_list("pk", "priority", "arrived_at")
    ]
    mine = next(work for work in waiting if work.id == call.pk)
    return position_in_queue(mine, waiting)


def _pbx_call(external_id: str) -> Call:
    return get_object_or_404(Call, external_id=external_id)


@cti.post(
    "/calls",
    response={200: CtiCallOut, 201: CtiCallOut, 409: CtiConflictOut},
    summary="A call arrived: route it (201; 200 when the PBX repeats it)",
)
def cti_call_arrived(request: HttpRequest, body: ArrivalIn) -> Status[Any]:
    if body.external_id.lower().startswith(OWN_CALL_ID_PREFIX):
        raise ValidationError(
            gettext("PBX ids starting with %(prefix)s are Hotline's own (callbacks).")
            % {"prefix": OWN_CALL_ID_PREFIX}
        )
    known = _known_arrival(body)
    if known is not None:
        return Status(200, _cti_call(known))
    queue = get_object_or_404(Queue, code=body.queue)
    try:
        call = call_arrive(
            now=clock.now(),
            queue=queue,
            caller_number=body.caller_number,
            external_id=body.external_id,
        )
    except IntegrityError:  # the same arrival, sent twice at once: the other one made it
        known = _known_arrival(body)
        if known is None:
            raise
        return Status(200, _cti_call(known))
    return Status(201, _cti_call(call))


def _known_arrival(body: ArrivalIn) -> Call | None:
    """The call the PBX already reported under this id: the same one again, or a conflict."""
    known = Call.objects.select_related("queue").filter(external_id=body.external_id).first()
    if known is not None and (known.queue.code, known.caller_number) != (
        body.queue,
        body.caller_number,
    ):
        raise CallConflict(
            known,
            gettext_noop("This PBX id is another call's (queue %(queue)s, number %(number)s)."),
            {"queue": known.queue.code, "number": known.caller_number},
        )
    return known


@cti.get("/calls/{external_id}", response=CtiCallOut, summary="A call's state now")
def cti_call_state(request: HttpRequest, external_id: PbxCallId) -> CtiCallOut:
    return _cti_call(_pbx_call(external_id))


@cti.post(
    "/calls/{external_id}/answered",
    response={200: CtiCallOut, 409: CtiConflictOut},
    summary="Someone picked up: say who (agent and/or offer_id); B9",
)
def cti_call_answered(request: HttpRequest, external_id: PbxCallId, body: AnsweredIn) -> CtiCallOut:
    call = cti_call_answer(
        now=clock.now(),
        call_id=_pbx_call(external_id).pk,
        agent=body.agent,
        offer_id=body.offer_id,
    )
    return _cti_call(call, read_afresh=False)


@cti.post(
    "/calls/{external_id}/ended",
    response={200: CtiCallOut, 409: CtiConflictOut},
    summary="Talk ended; wrap-up starts",
)
def cti_call_ended(request: HttpRequest, external_id: PbxCallId) -> CtiCallOut:
    call = cti_call_end(now=clock.now(), call_id=_pbx_call(external_id).pk)
    return _cti_call(call, read_afresh=False)


@cti.post(
    "/calls/{external_id}/hold",
    response={200: CtiCallOut, 409: CtiConflictOut},
    summary="The line was put on hold or taken off it (the talk goes on counting, A1)",
)
def cti_call_held(request: HttpRequest, external_id: PbxCallId, body: HoldIn) -> CtiCallOut:
    call = cti_call_hold(now=clock.now(), call_id=_pbx_call(external_id).pk, on_hold=body.on_hold)
    return _cti_call(call)


@cti.post(
    "/calls/{external_id}/abandoned",
    response={200: CtiCallOut, 409: CtiConflictOut},
    summary="The caller hung up before an answer",
)
def cti_call_abandoned(request: HttpRequest, external_id: PbxCallId) -> CtiCallOut:
    return _cti_call(cti_call_abandon(now=clock.now(), call_id=_pbx_call(external_id).pk))


@cti.post(
    "/calls/{external_id}/callback",
    response={200: CallbackOut, 409: CtiConflictOut},
    summary="The caller chose a callback at an agreed time (B8, C1)",
)
def cti_call_callback(
    request: HttpRequest, external_id: PbxCallId, body: CallbackWindowIn
) -> CallbackOut:
    now = clock.now()
    # Bounds on the input (422), not rules: C1's own check (a window that starts now or later
    # and ends after it starts) is the service's, and answers 409.
    if body.window_start > now + CALLBACK_AHEAD_FARTHEST:
        raise ValidationError(gettext("A callback starts within 90 days."))
    if body.window_end - body.window_start > CALLBACK_WINDOW_LONGEST:
        raise ValidationError(gettext("A callback window lasts at most 7 days."))
    made: Callback = cti_call_to_callback(
        now=now,
        call_id=_pbx_call(external_id).pk,
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
