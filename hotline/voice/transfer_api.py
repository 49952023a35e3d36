"""A4 transfers on the phones (hotline/voice/transfers.py): the first agent's phone gets the
address to refer the caller to; the edge asks whose phone rings for the trunk's new call and
reports what that phone did (PBX role)."""

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.bounds import PathId
from hotline.calls.cti_api import EXTERNAL_ID, EXTERNAL_ID_LENGTH, CtiConflictOut
from hotline.voice.transfers import (
    TARGET_PREFIX,
    refer_target,
    transfer_answered,
    transfer_from_target,
    transfer_ring,
    transfer_unanswered,
)

router = Router(tags=["Voice (SIP edge)"])


class TransferReferOut(Schema):
    transfer_id: int
    refer_to: str = Field(description="The SIP URI the phone refers the caller to (REFER).")


class TransferRingIn(Schema):
    target: str = Field(
        min_length=1,
        max_length=40,
        pattern=rf"^{TARGET_PREFIX}[0-9]{{1,10}}-[0-9a-f]{{20}}$",
        description="The user part of the trunk's new INVITE: the address the phone referred.",
    )


class TransferRingOut(Schema):
    transfer_id: int
    target: str = Field(description="The SIP user name of the colleague's phone to ring.")
    ring_ms: int = Field(description="How long it may ring (the transfer's time left, A4).")
    from_external_id: str = Field(description="The dialog the call leaves once answered.")


class TransferAnsweredIn(Schema):
    external_id: str = Field(
        min_length=1,
        max_length=EXTERNAL_ID_LENGTH,
        pattern=EXTERNAL_ID,
        description="The edge's id of the trunk's new dialog: the call's PBX id from now on.",
    )


class TransferAnsweredOut(Schema):
    call_id: int
    agent: str
    external_id: str


class TransferUnansweredIn(Schema):
    refused: bool = Field(
        strict=True, description="The phone refused (busy, declined); else it rang out."
    )


class TransferUnansweredOut(Schema):
    transfer_id: int
    outcome: str


@router.post(
    "/{transfer_id}/refer",
    response={200: TransferReferOut, 409: CtiConflictOut},
    summary="Where my phone refers the caller for my transfer waiting on a colleague (A4)",
)
def voice_transfer_refer(request: HttpRequest, transfer_id: PathId) -> TransferReferOut:
    user = refer_target(actor=signed_in(request), transfer_id=transfer_id)
    # The trunk calls the edge at this address (its public one behind NAT).
    address = settings.HOTLINE_VOICE_PUBLIC_ADDRESS or settings.HOTLINE_VOICE_SIP_ADDRESS
    refer_to = f"sip:{user}@{address}:{settings.HOTLINE_VOICE_SIP_PORT}"
    return TransferReferOut(transfer_id=transfer_id, refer_to=refer_to)


@router.post(
    "/ring",
    response={200: TransferRingOut, 409: CtiConflictOut},
    summary="The trunk calls again for a transfer: whose phone rings, how long (A4; 404: none)",
)
def voice_transfer_ring(request: HttpRequest, body: TransferRingIn) -> TransferRingOut:
    transfer_id = transfer_from_target(body.target)
    if transfer_id is None:
        raise Http404  # a forged or mistyped address: nothing of Hotline's
    ring = transfer_ring(now=clock.now(), transfer_id=transfer_id)
    return TransferRingOut(
        transfer_id=transfer_id,
        target=ring.target,
        ring_ms=ring.ring_ms,
        from_external_id=ring.transfer.call.external_id or "",
    )


@router.post(
    "/{transfer_id}/answered",
    response={200: TransferAnsweredOut, 409: CtiConflictOut},
    summary="The colleague's phone answered the transfer: the call is theirs (A4)",
)
def voice_transfer_answered(
    request: HttpRequest, transfer_id: PathId, body: TransferAnsweredIn
) -> TransferAnsweredOut:
    call = transfer_answered(now=clock.now(), transfer_id=transfer_id, external_id=body.external_id)
    return TransferAnsweredOut(
        call_id=call.pk,
        agent=call.agent.username if call.agent else "",
        external_id=body.external_id,
    )


@router.post(
    "/{transfer_id}/unanswered",
    response={200: TransferUnansweredOut},
    summary="The colleague's phone refused or rang out: the call stays (A4)",
)
def voice_transfer_unanswered(
    request: HttpRequest, transfer_id: PathId, body: TransferUnansweredIn
) -> TransferUnansweredOut:
    transfer = transfer_unanswered(now=clock.now(), transfer_id=transfer_id, refused=body.refused)
    return TransferUnansweredOut(transfer_id=transfer.pk, outcome=transfer.outcome)
