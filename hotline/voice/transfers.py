"""A4 on the phones: a SIP call moves to a colleague's phone only when the colleague answers it.

The first agent asks for the transfer at the desk (the floor's `transfer_request`: the colleague's
desk shows it). Their phone then asks the trunk to call again (SIP REFER) at a signed address,
`xfer-<transfer id>-<signature>`. The trunk's new INVITE comes to the edge, which asks Hotline
(`transfer_ring`) and rings the colleague's phone for the transfer's time left. The colleague
answers: the floor's `transfer_accept` (the call is theirs, the first agent wraps up) and the
call's PBX id becomes the new dialog's; the trunk tells the first phone, which hangs up its
dialog. Refused or rung out: `transfer_decline`, the trunk tells the first phone the transfer
failed, and the caller is still with the first agent, who never let go of them.
"""

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from hotline.accounts.models import User
from hotline.calls.choices import CallState, TransferOutcome
from hotline.calls.models import Call, Transfer
from hotline.calls.services.cti import cti_call_hold
from hotline.calls.services.transfers import transfer_accept, transfer_decline
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.voice.credentials import live_credential
from hotline.voice.models import TransferLeg
from hotline.voice.recordings import SIP_PREFIX

TARGET_PREFIX = "xfer-"
_TARGET = re.compile(r"xfer-([0-9]{1,10})-([0-9a-f]{20})")
_SALT = "hotline.voice.transfer"


def _signature(transfer_id: int) -> str:
    return salted_hmac(_SALT, str(transfer_id)).hexdigest()[:20]


def refer_target(*, actor: User, transfer_id: int) -> str:
    """The SIP user part the first agent's phone refers the caller to: theirs to ask only, while
    the transfer waits, for a call that came through the edge (a CTI call is moved by its PBX)."""
    transfer = (
        Transfer.objects.select_related("call")
        .filter(pk=transfer_id, from_agent=actor, outcome=TransferOutcome.PENDING)
        .first()
    )
    if transfer is None:
        raise PolicyRefusal("A4", gettext_noop("You have no transfer of this call waiting."))
    if not (transfer.call.external_id or "").startswith(SIP_PREFIX):
        raise PolicyRefusal(
            "A4",
            gettext_noop("This call did not come through the SIP edge: your exchange moves it."),
        )
    return transfer_address(transfer.pk)


def transfer_address(transfer_id: int) -> str:
    return f"{TARGET_PREFIX}{transfer_id}-{_signature(transfer_id)}"


def transfer_from_target(user: str) -> int | None:
    """The transfer a referred address names, if its signature is Hotline's."""
    match = _TARGET.fullmatch(user)
    if match is None or not constant_time_compare(match[2], _signature(int(match[1]))):
        return None
    return int(match[1])


@dataclass(frozen=True)
class TransferRing:
    transfer: Transfer
    target: str  # the colleague's SIP user name
    ring_ms: int  # the transfer's time left (A4's answer timeout)


def transfer_ring(*, now: datetime, transfer_id: int) -> TransferRing:
    """The trunk calls again for this transfer: whose phone rings, and for how long. Refused
    (A4) when the transfer no longer waits or the colleague has no phone to ring."""
    transfer = Transfer.objects.select_related("call", "to_agent").get(pk=transfer_id)
    call = transfer.call
    if transfer.outcome != TransferOutcome.PENDING or transfer.expires_at <= now:
        raise PolicyRefusal("A4", gettext_noop("This transfer is no longer waiting."))
    if call.state != CallState.CONNECTED or call.agent_id != transfer.from_agent_id:
        raise PolicyRefusal(
            "A4", gettext_noop("This transfer is no longer waiting: the call ended or moved.")
        )
    credential = live_credential(agent_id=transfer.to_agent_id, now=now)
    if credential is None:
        raise PolicyRefusal(
            "A4",
            gettext_noop("%(name)s has no phone registered: the call stays with you."),
            {"name": str(transfer.to_agent)},
        )
    ring_ms = max(int((transfer.expires_at - now).total_seconds() * 1000), 1000)
    return TransferRing(transfer=transfer, target=credential.username, ring_ms=ring_ms)


def transfer_answered(*, now: datetime, transfer_id: int, external_id: str) -> Call:
    """The colleague's phone answered the trunk's new dialog: their consent (A4). The call is
    theirs (`transfer_accept`), known from now on by the new dialog's id; a hold the trunk put
    on the first dialog while it called again ends with it."""
    with transaction.atomic():
        transfer = Transfer.objects.select_related("to_agent").get(pk=transfer_id)
        if Call.objects.filter(external_id=external_id).exists():
            raise PolicyRefusal("A4", gettext_noop("This dialog is another call's already."))
        call = transfer_accept(actor=transfer.to_agent, now=now, transfer_id=transfer_id)
        if call.held_since is not None:
            call = cti_call_hold(now=now, call_id=call.pk, on_hold=False)
        TransferLeg.objects.create(
            transfer=transfer,
            call=call,
            from_external_id=call.external_id or "",
            to_external_id=external_id,
            created_at=now,
        )
        call.external_id = external_id
        call.save(update_fields=["external_id"])
    return call


def transfer_unanswered(*, now: datetime, transfer_id: int, refused: bool) -> Transfer:
    """The colleague's phone refused (their no) or rang out (A4's timeout): the call stays
    with the first agent. Ended already (the desk's Decline, the tick): nothing more to do."""
    transfer = Transfer.objects.select_related("to_agent").get(pk=transfer_id)
    with contextlib.suppress(PolicyRefusal):
        transfer = transfer_decline(
            actor=transfer.to_agent if refused else None,
            now=now,
            transfer_id=transfer_id,
            expired=not refused,
        )
    return transfer
