"""Listening live to a call (silent monitor): the lead's browser and rtpengine exchange their
offer and answer through Hotline (hotline/voice/listening.py; README, Voice (SIP))."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.calls.cti_api import CtiConflictOut
from hotline.voice.listening import listening_answer, listening_start, listening_stop
from hotline.voice.ng import NgError

router = Router(tags=["Voice (SIP edge)"])

# rtpengine's offers and WebRTC answers run to a few kilobytes; a signed ticket to ~200 bytes
# (ids and a tag only: the SIP Call-ID, of no bounded length, stays on the server).
SDP_MAX = 16_000
TICKET_MAX = 400


class ListenIn(Schema):
    call_id: int = Field(
        strict=True, ge=1, le=2**31 - 1, description="The call in progress to listen to."
    )


class ListenOut(Schema):
    call_id: int
    ticket: str = Field(description="Answer and stop with it; only its holder may.")
    offers: list[str] = Field(
        description="rtpengine's send-only offers: the caller's side, then the agent's."
    )


class AnswerIn(Schema):
    ticket: str = Field(min_length=1, max_length=TICKET_MAX)
    side: int = Field(
        strict=True, ge=0, le=1, description="Which offer this answers (0: the caller's)."
    )
    sdp: str = Field(min_length=1, max_length=SDP_MAX, description="The browser's answer.")


class StopIn(Schema):
    ticket: str = Field(min_length=1, max_length=TICKET_MAX)


class EdgeDownOut(Schema):
    detail: str


def _edge_down(error: NgError) -> Status[Any]:
    return Status(503, EdgeDownOut(detail=_("The SIP edge's media relay does not answer.")))


@router.post(
    "",
    response={200: ListenOut, 409: CtiConflictOut, 503: EdgeDownOut},
    summary="Listen live to a call in progress (team lead of the call's team, manager)",
)
def voice_listen_start(request: HttpRequest, body: ListenIn) -> Any:
    try:
        listening = listening_start(actor=signed_in(request), now=clock.now(), call_id=body.call_id)
    except NgError as error:
        return _edge_down(error)
    return ListenOut(call_id=listening.call.pk, ticket=listening.ticket, offers=listening.offers)


@router.post(
    "/answer",
    response={204: None, 503: EdgeDownOut},
    summary="The listener's answer to rtpengine's offer: the audio starts",
)
def voice_listen_answer(request: HttpRequest, body: AnswerIn) -> Any:
    try:
        listening_answer(actor=signed_in(request), ticket=body.ticket, side=body.side, sdp=body.sdp)
    except NgError as error:
        return _edge_down(error)
    return Status(204, None)


@router.post(
    "/stop",
    response={204: None, 503: EdgeDownOut},
    summary="Stop listening",
)
def voice_listen_stop(request: HttpRequest, body: StopIn) -> Any:
    try:
        listening_stop(actor=signed_in(request), now=clock.now(), ticket=body.ticket)
    except NgError as error:
        return _edge_down(error)
    return Status(204, None)
