"""The SIP edge's routing question, answered by the floor's own services (one routing path).

Kamailio asks for every INVITE from the trunk, and again while the caller waits: the first
question is the call's arrival (`call_arrive`, exactly as the CTI API's), each later one reads
what the floor decided since. The answer says what the edge does with the caller now: ring the
phone of the agent the call is offered to (B9), keep the caller waiting, or let them go (the
call was abandoned, became a callback or left the queue). Answers, hang-ups and the end of the
talk are reported through the CTI API itself (hotline/calls/cti_api.py), as a PBX reports them.
"""

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery

from hotline.calls.choices import CallState, OfferOutcome
from hotline.calls.models import Call, Offer, Queue
from hotline.calls.services.calls import call_arrive, offer_decline
from hotline.core.refusal import PolicyRefusal
from hotline.voice.credentials import live_credentials


class EdgeAction(StrEnum):
    OFFER = "offer"  # ring `target` (the agent's SIP user name) for `ring_ms`
    WAIT = "wait"  # keep the caller waiting; ask again after the poll interval
    ABANDONED = "abandoned"  # the caller hung up (the edge answers the INVITE 487)
    RELEASE = "release"  # the call is not the edge's to ring any more (callback, overflow...)


@dataclass(frozen=True)
class EdgeDecision:
    action: EdgeAction
    call: Call
    offer_id: int | None = None
    target: str | None = None
    agent: str | None = None
    ring_ms: int | None = None
    arrived: bool = False  # this question was the call's arrival


def caller_number_from_sip(user: str) -> str:
    """The caller's number as the floor reads it (digits, a leading +), from the SIP From
    user part; anything else (a name, "anonymous") is a withheld number."""
    digits = re.sub(r"[\s().-]", "", user)
    return digits if re.fullmatch(r"\+?[0-9]{1,31}", digits) else ""


def voice_route(
    *, now: datetime, external_id: str, queue: Queue, caller_number: str
) -> EdgeDecision:
    """The call of this SIP dialog arrives (the first time) and what the edge does with it now."""
    call = Call.objects.select_related("queue").filter(external_id=external_id).first()
    arrived = call is None
    if call is None:
        try:
            with transaction.atomic():
                call = call_arrive(
                    now=now, queue=queue, caller_number=caller_number, external_id=external_id
                )
        except IntegrityError:  # the edge retried at once: the other request made the call
            call = Call.objects.select_related("queue").get(external_id=external_id)
            arrived = False
    # Asked again, the call may be in another queue by now (A2 overflow): the floor knows.
    decision = edge_decision(call=call, now=now)
    return replace(decision, arrived=arrived)


def edge_decision(*, call: Call, now: datetime) -> EdgeDecision:
    call = Call.objects.select_related("queue").get(pk=call.pk)
    if call.state == CallState.WAITING:
        return EdgeDecision(EdgeAction.WAIT, call)
    if call.state == CallState.OFFERED:
        # The offer and the phone to ring in one statement: the edge asks for every call.
        phones = live_credentials(now).filter(agent_id=OuterRef("agent_id"))
        offer = (
            Offer.objects.select_related("agent")
            .filter(call=call, outcome=OfferOutcome.PENDING)
            .annotate(phone=Subquery(phones.values("username")[:1]))
            .first()
        )
        if offer is None or offer.phone is None:
            # The desk rings but the agent has no phone registered: the caller keeps waiting
            # (the offer runs out, B9, and the call goes to the next agent).
            return EdgeDecision(EdgeAction.WAIT, call)
        ring = offer.expires_at - now
        return EdgeDecision(
            EdgeAction.OFFER,
            call,
            offer_id=offer.pk,
            target=offer.phone,
            agent=offer.agent.username,
            ring_ms=max(int(ring.total_seconds() * 1000), 1000),
        )
    if call.state == CallState.ABANDONED:
        return EdgeDecision(EdgeAction.ABANDONED, call)
    return EdgeDecision(EdgeAction.RELEASE, call)


def phone_unanswered(
    *, now: datetime, external_id: str, offer_id: int, refused: bool
) -> EdgeDecision:
    """The phone the edge rang for an offer refused the call (busy, declined) or rang out: the
    offer ends as if the agent had declined it at the desk or let it ring out (B9: the call goes
    back to the head of its queue, the agent is not ready), then what to do with the caller."""
    call = Call.objects.get(external_id=external_id)
    if Offer.objects.filter(pk=offer_id, call=call, outcome=OfferOutcome.PENDING).exists():
        # The worker's tick may let it ring out at the same moment: it ends once (PolicyRefusal).
        with contextlib.suppress(PolicyRefusal):
            offer_decline(actor=None, now=now, offer_id=offer_id, expired=not refused)
    return edge_decision(call=call, now=now)
