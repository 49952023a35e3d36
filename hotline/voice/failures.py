"""Trunk calls the SIP edge could not hand to the floor, recorded in Hotline.

When Hotline does not answer Kamailio's routing question (down, or refusing it), the caller
gets the fallback group or a 503 (route[HOTLINE_DOWN]); Kamailio keeps the failure and posts it
here every 2 s until it is recorded (route[REPORT_FAILURES]). So every INVITE from the trunk
ends in Hotline as a call (answered, abandoned, overflowed, a callback) or as one of these:
nothing is lost silently. The same failure posted twice is one record.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from hotline.audit.payload import payload
from hotline.audit.services import event_append
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
    """The failure, recorded once (True when new), with an event."""
    known = VoiceFailure.objects.filter(external_id=failure.external_id).first()
    if known is not None:
        return known, False
    try:
        with transaction.atomic():
            made = VoiceFailure.objects.create(
                external_id=failure.external_id,
                queue=failure.queue,
                caller=failure.caller,
                status=failure.status,
                outcome=failure.outcome,
                failed_at=failure.failed_at,
                recorded_at=now,
            )
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
    except IntegrityError:  # posted twice at once: the other request recorded it
        return VoiceFailure.objects.get(external_id=failure.external_id), False
    return made, True
