"""The SIP edge's API: Kamailio's routing question and credential check (PBX role), and the
agent's SIP credential for their phone (README, Voice (SIP))."""

from datetime import UTC, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.calls.cti_api import EXTERNAL_ID, EXTERNAL_ID_LENGTH, CtiConflictOut, PbxCallId
from hotline.calls.dialling import DIALLED_NUMBER
from hotline.calls.models import Call, Queue
from hotline.voice import waiting
from hotline.voice.credentials import sip_credential_ha1, sip_credential_issue
from hotline.voice.failures import EdgeFailure, voice_failure_record
from hotline.voice.outbound import DialKind, voice_dial
from hotline.voice.phones import phone_state_report
from hotline.voice.routing import (
    EdgeAction,
    EdgeDecision,
    caller_number_from_sip,
    edge_decision,
    phone_unanswered,
    voice_route,
)

router = Router(tags=["Voice (SIP edge)"])

SIP_USERNAME = r"^[A-Za-z0-9._-]+$"


class RouteIn(Schema):
    external_id: str = Field(
        min_length=1,
        max_length=EXTERNAL_ID_LENGTH,
        pattern=EXTERNAL_ID,
        description="The edge's id of the call (from the SIP Call-ID), kept as the call's PBX id.",
    )
    queue: str = Field(min_length=1, max_length=30, pattern=r"^[-a-zA-Z0-9_]+$")
    caller: str = Field(
        "", max_length=64, description="The SIP From user part; not a number: withheld."
    )


class RouteOut(Schema):
    action: str = Field(json_schema_extra={"enum": [action.value for action in EdgeAction]})
    external_id: str
    state: str
    offer_id: int | None = Field(description="The offer ringing now (report it on answer).")
    target: str | None = Field(description="The SIP user name of the phone to ring.")
    agent: str | None = Field(description="The agent whose phone rings (user name).")
    ring_ms: int | None = Field(description="How long it may ring (the offer's time left).")
    poll_ms: int = Field(description="Ask again after this long while the caller waits.")
    announce: str | None = Field(
        json_schema_extra={"enum": [announce.value for announce in waiting.Announcement]},
        description="What the caller should be hearing now; the edge plays it once, when it "
        "differs from the last it played (null: nothing, the call is answered or gone).",
    )
    announce_file: str = Field(description="The prompt's WAV file (empty: none generated).")
    announce_ms: int = Field(ge=0, description="Its length: the hold music follows it.")
    wait_minutes: int | None = Field(description="The expected wait announced (A2).")
    hold_music: str = Field(description="The hold music's WAV file, looped (empty: none).")
    callback_by_dtmf: bool = Field(
        description="DTMF 1 now accepts a callback to the caller's number (A2, B8)."
    )


class DtmfIn(Schema):
    digit: Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"] = Field(
        description="A key the caller pressed (RFC 4733 telephone-event, via rtpengine)."
    )


class UnansweredIn(Schema):
    offer_id: int = Field(
        strict=True, ge=1, le=2**31 - 1, description="The offer whose phone rang."
    )
    refused: bool = Field(
        strict=True, description="The phone refused (busy, declined); else it rang out."
    )


class SipAuthIn(Schema):
    username: str = Field(min_length=1, max_length=32, pattern=SIP_USERNAME)


class SipAuthOut(Schema):
    username: str
    realm: str
    ha1: str
    expires_at: datetime


class CredentialOut(Schema):
    username: str
    password: str = Field(description="Shown once; never the account password.")
    realm: str
    expires_at: datetime
    registrar: str = Field(description="Where a SIP desk phone registers (UDP).")
    registrar_tls: str | None = Field(
        None, description="Where it registers over TLS, when the edge has a certificate."
    )
    websocket: str = Field(description="Where a browser softphone registers (SIP over WS).")


@router.post(
    "/route",
    response={200: RouteOut, 201: RouteOut, 409: CtiConflictOut},
    summary="A trunk call: arrive (201) or ask again (200) what to do with the caller (B9)",
)
def voice_route_call(request: HttpRequest, body: RouteIn) -> Status[Any]:
    queue = get_object_or_404(Queue, code=body.queue)
    now = clock.now()
    decision = voice_route(
        now=now,
        external_id=body.external_id,
        queue=queue,
        caller_number=caller_number_from_sip(body.caller),
    )
    return Status(201 if decision.arrived else 200, _route_out(decision))


def _route_out(decision: EdgeDecision) -> RouteOut:
    heard = waiting.what_the_caller_hears(decision.call)
    return RouteOut(
        action=decision.action.value,
        external_id=decision.call.external_id or "",
        state=decision.call.state,
        offer_id=decision.offer_id,
        target=decision.target,
        agent=decision.agent,
        ring_ms=decision.ring_ms,
        poll_ms=settings.HOTLINE_VOICE_POLL_MS,
        announce=heard.announce.value if heard else None,
        announce_file=heard.file if heard else "",
        announce_ms=heard.duration_ms if heard else 0,
        wait_minutes=heard.wait_minutes if heard else None,
        hold_music=heard.hold_music if heard else "",
        callback_by_dtmf=heard.callback_by_dtmf if heard else False,
    )


@router.post(
    "/route/{external_id}/dtmf",
    response=RouteOut,
    summary="A key the waiting caller pressed: 1 after A2's offer makes the call a callback",
)
def voice_caller_pressed(request: HttpRequest, external_id: PbxCallId, body: DtmfIn) -> RouteOut:
    call = get_object_or_404(Call, external_id=external_id)
    now = clock.now()
    waiting.caller_pressed(now=now, call=call, digit=body.digit)
    return _route_out(edge_decision(call=call, now=now))


@router.post(
    "/route/{external_id}/unanswered",
    response=RouteOut,
    summary="The phone rung for an offer refused or rang out (B9); what to do with the caller",
)
def voice_phone_unanswered(
    request: HttpRequest, external_id: PbxCallId, body: UnansweredIn
) -> RouteOut:
    get_object_or_404(Call, external_id=external_id)
    decision = phone_unanswered(
        now=clock.now(), external_id=external_id, offer_id=body.offer_id, refused=body.refused
    )
    return _route_out(decision)


@router.post(
    "/sip-auth",
    response=SipAuthOut,
    summary="The HA1 of a live SIP credential, for the edge's digest check (404: none)",
)
def voice_sip_auth(request: HttpRequest, body: SipAuthIn) -> SipAuthOut:
    credential = sip_credential_ha1(username=body.username, now=clock.now())
    if credential is None:
        raise Http404  # unknown, expired, replaced, or its floor session ended
    return SipAuthOut(
        username=credential.username,
        realm=credential.realm,
        ha1=credential.ha1,
        expires_at=credential.expires_at,
    )


class DialIn(Schema):
    username: str = Field(
        min_length=1, max_length=32, pattern=SIP_USERNAME, description="The phone's SIP user."
    )
    number: str = Field(
        min_length=1,
        max_length=32,
        pattern=DIALLED_NUMBER,
        description="The number dialled: digits, a leading + (the INVITE's user part).",
    )
    dialog: str = Field(
        min_length=1,
        max_length=64,
        pattern=EXTERNAL_ID,
        description="The edge's id of this call (from the SIP Call-ID); asked again, same answer.",
    )


class DialOut(Schema):
    kind: DialKind = Field(description="A callback (B8) or a follow-up call (C6).")
    target_id: int = Field(description="The callback's or the follow-up's id.")
    agent: str = Field(description="Who dials (user name).")
    external_id: str = Field(
        description="Hotline's call the edge reports the end of (CTI `ended`); empty: none."
    )


@router.post(
    "/dial",
    response={200: DialOut, 409: CtiConflictOut},
    summary="May this agent's phone dial this number now (B8 callback, C6 follow-up)? "
    "Allowed: the attempt is recorded; refused: 409 with the rule, nothing changes",
)
def voice_dial_out(request: HttpRequest, body: DialIn) -> DialOut:
    dial = voice_dial(
        now=clock.now(), username=body.username, number=body.number, dialog=body.dialog
    )
    return DialOut(
        kind=dial.kind,
        target_id=dial.target_id,
        agent=dial.agent.username,
        external_id=dial.external_id,
    )


@router.post(
    "/credentials",
    response={200: CredentialOut, 409: CtiConflictOut},
    summary="A SIP credential for my phone, for this floor session (replaces the last one)",
)
def voice_credential_issue(request: HttpRequest) -> CredentialOut:
    issued = sip_credential_issue(actor=signed_in(request), now=clock.now())
    # Behind NAT, phones reach the edge at its public address.
    address = settings.HOTLINE_VOICE_PUBLIC_ADDRESS or settings.HOTLINE_VOICE_SIP_ADDRESS
    tls = bool(settings.HOTLINE_VOICE_TLS_CERT)
    return CredentialOut(
        username=issued.credential.username,
        password=issued.password,
        realm=issued.credential.realm,
        expires_at=issued.credential.expires_at,
        registrar=f"sip:{address}:{settings.HOTLINE_VOICE_SIP_PORT}",
        registrar_tls=f"sips:{address}:{settings.HOTLINE_VOICE_TLS_PORT}" if tls else None,
        websocket=settings.HOTLINE_VOICE_WS_URL
        or f"ws://{address}:{settings.HOTLINE_VOICE_WS_PORT}",
    )


class PhoneStateIn(Schema):
    registered: bool = Field(
        strict=True, description="The desk's phone is registered at the SIP edge now."
    )
    reason: str = Field(
        "", max_length=100, description="Why not (registration failed, connection lost...)."
    )


class PhoneStateOut(Schema):
    registered: bool
    reason: str
    since: datetime


@router.post(
    "/phone-state",
    response={200: PhoneStateOut, 409: CtiConflictOut},
    summary="My desk's phone is registered, or offline (the team lead is alerted if it stays so)",
)
def voice_phone_state(request: HttpRequest, body: PhoneStateIn) -> PhoneStateOut:
    state = phone_state_report(
        actor=signed_in(request), now=clock.now(), registered=body.registered, reason=body.reason
    )
    return PhoneStateOut(registered=state.registered, reason=state.reason, since=state.since)


class FailureIn(Schema):
    external_id: str = Field(min_length=1, max_length=EXTERNAL_ID_LENGTH, pattern=EXTERNAL_ID)
    queue: str = Field("", max_length=30, pattern=r"^[-a-zA-Z0-9_]*$")
    caller: str = Field("", max_length=64, pattern=r"^\+?[0-9]*$")
    status: int = Field(
        strict=True, ge=0, le=999, description="What Hotline answered the edge (0: nothing)."
    )
    outcome: Literal["refused", "fallback"] = Field(
        description="The caller got 503 (refused) or was put through to the fallback group."
    )
    failed_at: int = Field(
        strict=True,
        ge=1_000_000_000,
        le=4_102_444_800,
        description="When (Unix time, the edge's clock).",
    )


class FailureOut(Schema):
    id: int
    external_id: str
    recorded_at: datetime


@router.post(
    "/failures",
    response={200: FailureOut, 201: FailureOut},
    summary="A trunk call the edge could not hand to the floor (201; 200 when posted again)",
)
def voice_failure(request: HttpRequest, body: FailureIn) -> Status[Any]:
    failure, created = voice_failure_record(
        now=clock.now(),
        failure=EdgeFailure(
            external_id=body.external_id,
            queue=body.queue,
            caller=body.caller,
            status=body.status,
            outcome=body.outcome,
            failed_at=datetime.fromtimestamp(body.failed_at, tz=UTC),
        ),
    )
    out = FailureOut(
        id=failure.pk, external_id=failure.external_id, recorded_at=failure.recorded_at
    )
    return Status(201 if created else 200, out)
