"""Trunk calls the SIP edge could not hand to the floor, recorded in Hotline.

When Hotline does not answer Kamailio's routing question (down, or refusing it), the caller
gets the fallback group or a 503 (route[HOTLINE_DOWN]); Kamailio keeps the failure and posts it
here every 2 s until it is recorded (route[REPORT_FAILURES]). So every INVITE from the trunk
ends in Hotline as a call (answered, abandoned, overflowed, a callback) or as one of these:
nothing is lost silently. The same failure posted twice is one record. A failure of a call the
floor already has (Hotline failed after a phone did not pick up) abandons it there.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from hotline.audit.payload import payload
from hotline.audit.services import event_append
from hotline.calls.choices import CallState
from hotline.calls.conflicts import CallConflict
from hotline.calls.models import Call
from hotline.calls.services.cti import cti_call_abandon
from hotline.voice.events import FailureAction, VoiceEntity
from hotline.voice.models import VoiceFailure


@dataclass(frozen=True)
class EdgeFailure:
    external_id: str
    queue: str
    caller: str
    status: int  # what Hotline answered then (0: nothing)
    outcome: str  # "refused" (503) or "fallback"
    failed_at: datetime


def voice_failure_record(*, now: datetime, failure: EdgeFailure) -> tuple[VoiceFailure, bool]:
    """The failure, recorded once (True when new), with an event: posted twice, even at once,
    it is one record and one event (get_or_create takes the other request's row)."""
    with transaction.atomic():
        made, created = VoiceFailure.objects.get_or_create(
            external_id=failure.external_id,
            defaults={
                "queue": failure.queue,
                "caller": failure.caller,
                "status": failure.status,
                "outcome": failure.outcome,
                "failed_at": failure.failed_at,
                "recorded_at": now,
            },
        )
        if not created:
            return made, False
        event_append(
            actor=None,
            now=now,
            entity=VoiceEntity.FAILURE,
            entity_id=made.pk,
            action=FailureAction.RECORDED,
            new=payload(
                external_id=made.external_id,
                queue=made.queue,
                status=made.status,
                outcome=made.outcome,
                failed_at=made.failed_at,
            ),
        )
    _release(failure.external_id, now)
    return made, True


def _release(external_id: str, now: datetime) -> None:
    """The edge gave up on a call the floor has (Hotline failed to answer after a phone did not
    pick up): the caller is gone from the queue (503 or the fallback group), so the call is
    abandoned rather than offered on to agents whose phones would ring for nobody."""
    call = Call.objects.filter(
        external_id=external_id, state__in=[CallState.WAITING, CallState.OFFERED]
    ).first()
    if call is not None:
        with contextlib.suppress(CallConflict):  # moved on meanwhile: the floor knows better
            cti_call_abandon(now=now, call_id=call.pk)
