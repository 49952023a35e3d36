"""What the PBX reports about a call (CTI), checked against the call's state first.

A PBX retries what it is not sure was heard, and reports what it saw, which may be late: the
same report twice changes nothing the second time (and answers as the first did), and a report
the call's state cannot take is refused as a conflict that says the state, changing nothing.
The floor's own services do the work; these only decide whether there is work to do.
"""

from datetime import datetime

from django.db import transaction

from hotline.audit.services import event_append
from hotline.calls.choices import CallbackState, CallState, OfferOutcome
from hotline.calls.conflicts import CallConflict
from hotline.calls.events import AGENT, HELD_SECONDS, CallAction, CallsEntity
from hotline.calls.models import Call, Callback, Offer
from hotline.calls.services.calls import (
    ENDED_CALL_STATES,
    call_abandon,
    call_end_locked,
    offer_accept_locked,
)
from hotline.calls.services.floor import lock_call
from hotline.calls.services.waiting import call_to_callback
from hotline.calls.tasks import pbx_reporting
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal

ANSWERED_STATES = (CallState.CONNECTED, *ENDED_CALL_STATES)


def cti_call_answer(
    *, now: datetime, call_id: int, agent: str | None, offer_id: int | None
) -> Call:
    """The PBX says who picked up: the call is connected to them if it rings for them (B9).

    `agent` (a user name) and/or `offer_id` name who answered; at least one is given."""
    with transaction.atomic(), pbx_reporting():
        call = lock_call(call_id)
        if call.state in ANSWERED_STATES:
            _check_same_answer(call, agent, offer_id)
            return call  # said twice: it was answered once, by them
        if call.state != CallState.OFFERED:
            raise CallConflict(call, gettext_noop("The call is %(state)s: it is not ringing."))
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("agent")
            .filter(call=call, outcome=OfferOutcome.PENDING)
            .get()
        )
        offer.call = call  # the locked call, as offer_accept's own lock would have read it
        if (agent is not None and offer.agent.username != agent) or (
            offer_id is not None and offer.pk != offer_id
        ):
            raise PolicyRefusal(
                "B9",
                gettext_noop(
                    "The call rings for %(agent)s (offer %(offer)s), not for the one who "
                    "answered: connect it to them, or wait for its next offer."
                ),
                {"agent": offer.agent.username, "offer": offer.pk},
            )
        return offer_accept_locked(offer, actor=offer.agent, now=now)


def _check_same_answer(call: Call, agent: str | None, offer_id: int | None) -> None:
    accepted = (
        Offer.objects.select_related("agent")
        .filter(call=call, outcome=OfferOutcome.ACCEPTED)
        .order_by("-pk")
        .first()
    )
    if accepted is None:  # a callback's call: the PBX never offered it
        raise CallConflict(call, gettext_noop("The call is %(state)s: it is not ringing."))
    if (agent is not None and accepted.agent.username != agent) or (
        offer_id is not None and accepted.pk != offer_id
    ):
        raise PolicyRefusal(
            "B9",
            gettext_noop("The call was answered by %(agent)s (offer %(offer)s)."),
            {"agent": accepted.agent.username, "offer": accepted.pk},
        )


def cti_call_end(*, now: datetime, call_id: int) -> Call:
    """The talk ended; the same news twice changes nothing (call_end keeps that)."""
    with transaction.atomic(), pbx_reporting():
        call = lock_call(call_id)
        if call.state not in ANSWERED_STATES:
            raise CallConflict(call, gettext_noop("The call is %(state)s: it was never answered."))
        return call_end_locked(call, actor=None, now=now)


def cti_call_abandon(*, now: datetime, call_id: int) -> Call:
    """The caller hung up before an answer; the same news twice changes nothing."""
    with transaction.atomic():
        call = lock_call(call_id)
        if call.state == CallState.ABANDONED:
            return call
        if call.state not in (CallState.WAITING, CallState.OFFERED):
            raise CallConflict(
                call,
                gettext_noop(
                    "The call is %(state)s: the caller was no longer waiting. A call that was "
                    "answered is reported ended."
                ),
            )
        return call_abandon(now=now, call_id=call_id)


def cti_call_to_callback(
    *, now: datetime, call_id: int, window_start: datetime, window_end: datetime
) -> Callback:
    """The caller chose a callback (B8); the same choice twice is the same callback."""
    with transaction.atomic():
        call = lock_call(call_id)
        if call.state == CallState.CALLBACK:
            made = (
                Callback.objects.filter(origin_call=call)
                .exclude(state=CallbackState.CANCELLED)
                .order_by("-pk")
                .first()
            )
            if made and (made.window_start, made.window_end) == (window_start, window_end):
                return made
            raise CallConflict(
                call, gettext_noop("The call is %(state)s already, for another time window.")
            )
        if call.state != CallState.WAITING:
            raise CallConflict(
                call,
                gettext_noop("The call is %(state)s: only a waiting call can become a callback."),
            )
        return call_to_callback(
            now=now, call_id=call_id, window_start=window_start, window_end=window_end
        )


def cti_call_hold(*, now: datetime, call_id: int, on_hold: bool) -> Call:
    """The line was put on hold or taken off it (the SIP edge saw the re-INVITE's a=sendonly,
    a=inactive or a=sendrecv). The talk goes on counting for A1: hold is part of the talk; the
    hold's length is added up on the call. The same news twice changes nothing."""
    with transaction.atomic():
        call = lock_call(call_id)
        if call.state != CallState.CONNECTED:
            if call.state in ENDED_CALL_STATES and not on_hold:
                return call  # the off-hold re-INVITE came after the BYE: nothing to do
            raise CallConflict(call, gettext_noop("The call is %(state)s: it is not in progress."))
        if (call.held_since is not None) == on_hold:
            return call  # said twice (a re-INVITE refreshed, or retried)
        new: dict[str, object] = {AGENT: call.agent_id}
        if on_hold:
            call.held_since = now
            action = CallAction.HELD
        else:
            assert call.held_since is not None
            held = max(int((now - call.held_since).total_seconds()), 0)
            call.held_since, call.hold_seconds = None, call.hold_seconds + held
            new[HELD_SECONDS] = held
            action = CallAction.RESUMED
        call.save(update_fields=["held_since", "hold_seconds"])
        event_append(
            actor=None, now=now, entity=CallsEntity.CALL, entity_id=call.pk, action=action, new=new
        )
        return call
