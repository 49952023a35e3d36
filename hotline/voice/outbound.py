"""Outbound calls through the carrier's trunk: an agent's phone dials a callback (B8) or a
follow-up call (C6), and only those.

Kamailio asks for every INVITE an authenticated agent's phone sends (POST /voice/dial): may this
agent dial this number now? Yes when the number is that of
- a callback ringing on their desk (its offer: dialling it is answering it, `offer_accept`, the
  desk's own Answer: the callback is in progress, its attempt counted, its call connected), or a
  callback they took and whose call is still connected (the desk's Answer came first);
- a follow-up call they took (`followup_take`, the follow-up page's "Take this call"), or one due
  now whose customer or case contact has that number (dialling it takes it).
Anything else is refused (a PolicyRefusal; the edge answers 403 with its text) and changes
nothing. Each dial allowed is an event (`voice.outbound` dialled, by the agent); how the call
went is recorded after it as today (callback outcome, follow-up result or put back).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.db.models import Q

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.calls.choices import CallbackState, CallState, OfferOutcome
from hotline.calls.dialling import dial_number
from hotline.calls.models import Call, Callback, Offer
from hotline.calls.services.calls import offer_accept
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import phone_key
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.followup.numbers import followup_number
from hotline.followup.services import followup_take
from hotline.voice.credentials import sip_credential_ha1
from hotline.voice.events import OutboundAction, VoiceEntity

# What a dialled number may be: digits with a leading + (the SIP user part the phone sent).


class DialKind(StrEnum):
    CALLBACK = "callback"  # B8
    FOLLOWUP = "followup"  # C6


@dataclass(frozen=True)
class Dial:
    kind: DialKind
    target_id: int  # the callback's or the follow-up's id
    agent: User
    external_id: str  # the Hotline call the edge reports the end of ("": none, a follow-up)


def _followup_numbers(followup: FollowUp) -> set[str]:
    """The numbers a follow-up call may go to: the contact's and the customer's."""
    return {followup_number(followup), dial_number(followup.ticket.customer.phone)}


def voice_dial(*, now: datetime, username: str, number: str, dialog: str) -> Dial:
    """The agent of this SIP user name dials `number` (dialog: the edge's id of the INVITE).
    Asked again for the same dialog (the edge retrying), the same answer, recorded once."""
    credential = sip_credential_ha1(username=username, now=now)
    if credential is None:
        raise PolicyRefusal("B8", gettext_noop("This phone is not signed in to the floor."))
    agent = User.objects.select_related("team").get(pk=credential.agent_id)
    known = Event.objects.filter(
        entity=VoiceEntity.OUTBOUND, entity_id=dialog, action=OutboundAction.DIALLED
    ).first()
    if known is not None and known.actor_id == agent.pk and isinstance(known.new, dict):
        return Dial(
            DialKind(known.new["kind"]), known.new["target"], agent, known.new.get("call", "")
        )
    with transaction.atomic():
        dial = _callback_dial(agent, now, number) or _followup_dial(agent, now, number)
        if dial is None:
            raise PolicyRefusal(
                "B8",
                gettext_noop(
                    "%(number)s is not a callback or follow-up call of yours to dial now."
                ),
                {"number": number},
            )
        event_append(
            actor=agent,
            now=now,
            entity=VoiceEntity.OUTBOUND,
            entity_id=dialog,
            action=OutboundAction.DIALLED,
            new={
                "kind": dial.kind.value,
                "target": dial.target_id,
                "number": number,
                "call": dial.external_id,
            },
            rule="B8" if dial.kind is DialKind.CALLBACK else "C6",
        )
    return dial


def _callback_dial(agent: User, now: datetime, number: str) -> Dial | None:
    ringing = (
        Offer.objects.filter(agent=agent, outcome=OfferOutcome.PENDING, callback__isnull=False)
        .select_related("callback")
        .first()
    )
    if ringing is not None and ringing.callback and dial_number(ringing.callback.number) == number:
        answered = offer_accept(actor=agent, now=now, offer_id=ringing.pk)  # the desk's Answer
        return Dial(DialKind.CALLBACK, ringing.callback.pk, agent, answered.external_id or "")
    for callback in Callback.objects.filter(agent=agent, state=CallbackState.IN_PROGRESS):
        if dial_number(callback.number) != number:
            continue
        call = (
            Call.objects.filter(callback=callback, agent=agent, state=CallState.CONNECTED)
            .order_by("-pk")
            .first()
        )
        if call is None:
            raise PolicyRefusal(
                "B8",
                gettext_noop(
                    "The call to %(number)s has ended: record how the callback went "
                    "(tried again later, if it failed)."
                ),
                {"number": number},
            )
        return Dial(DialKind.CALLBACK, callback.pk, agent, call.external_id or "")
    return None


def _followup_dial(agent: User, now: datetime, number: str) -> Dial | None:
    open_ones = (
        FollowUp.objects.select_related("work_order", "ticket__customer")
        .filter(
            Q(state=FollowUpState.TAKEN, taken_by=agent)
            | Q(state=FollowUpState.DUE, due_at__lte=now)
            # the customer's number, or (checked below) the contact's: it ends the same
            & (
                Q(ticket__customer__phone_key=phone_key(number))
                | Q(ticket__contact_phone__endswith=number[-1])
            )
        )
        .order_by("due_at", "pk")
    )
    for followup in open_ones:
        if number not in _followup_numbers(followup):
            continue
        if followup.state == FollowUpState.DUE:
            followup_take(actor=agent, now=now, followup_id=followup.pk)  # the page's "Take"
        return Dial(DialKind.FOLLOWUP, followup.pk, agent, "")
    return None
