"""A call's life: it arrives, rings on a desk, is answered or not, ends, and is wrapped up."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.payload import payload
from hotline.audit.services import batched_events, event_append
from hotline.calls.choices import (
    CallbackState,
    CallState,
    OfferOutcome,
    StateReason,
    TransferOutcome,
)
from hotline.calls.conflicts import CallConflict
from hotline.calls.events import (
    AGENT,
    EXTERNAL_ID,
    OFFER,
    QUEUE,
    TALK_SECONDS,
    CallAction,
    CallbackAction,
    CallsEntity,
)
from hotline.calls.models import AgentSession, Call, Callback, Offer, Queue
from hotline.calls.services.agents import lead_back_from_take_over, start_pending_leave
from hotline.calls.services.floor import (
    lock_call,
    lock_team,
    locked_session,
    move_agent,
    move_agent_if,
)
from hotline.calls.services.floor_sql import (
    CALLER_SQL,
    END_WRAP_UPS_SQL,
    WITHDRAW_TRANSFERS_SQL,
    db_time,
    sql_rows,
)
from hotline.calls.services.routing import floor_route, withdraw_offer
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import PHONE_KEY_DIGITS, phone_key

DEFAULT_PRIORITY = 5
# The PBX ids of the calls Hotline places itself (callbacks): "hotline-<call id>".
OWN_CALL_ID_PREFIX = "hotline-"
# A call that was answered and has ended (its wrap-up may still run).
ENDED_CALL_STATES = (CallState.WRAP_UP, CallState.ENDED)


@dataclass(frozen=True)
class Caller:
    customer_id: int | None  # the screen pop's customer, if the number names exactly one
    priority: int  # B9: from the customer's SLA contract, or the default contract's


def caller_keys(number: str) -> tuple[str | None, str | None]:
    """The phone keys a customer record of this number may have: that of the number as
    written, and that of the same number written the other way, national (0…) or
    international (+CC…, 00CC…), for the centre's country (HOTLINE_COUNTRY_CODE). A key keeps
    the last 9 digits, which tell "+359 88 100 0000" from "088 100 0000" apart by nothing, but
    a Sofia line "+359 2 981 1111" from "02 981 1111" by its first digit. A number too short
    to tell customers apart has no key (None matches no one)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    country = settings.HOTLINE_COUNTRY_CODE
    other = None
    if country and digits.startswith("0") and not digits.startswith("00"):
        other = country + digits[1:]  # national: the same number with the country code
    elif country and digits.removeprefix("00").startswith(country):
        other = "0" + digits.removeprefix("00")[len(country) :]  # international: national
    keys = (phone_key(digits), phone_key(other) if other else "")
    first, second = (key if len(key) >= PHONE_KEY_DIGITS else None for key in keys)
    return first, second


def identify_caller(number: str) -> Caller:
    """Who calls (screen pop) and how urgently they are served (B9), from their number."""
    key, other_key = caller_keys(number)
    rows = sql_rows(CALLER_SQL, key=key, other_key=other_key)
    customers = [(pk, own) for pk, own in rows if pk is not None]
    default = next(priority for pk, priority in rows if pk is None)  # always the one row
    customer_id, own = customers[0] if len(customers) == 1 else (None, None)
    priority = next((p for p in (own, default) if p is not None), DEFAULT_PRIORITY)
    return Caller(customer_id, priority)


def call_arrive(
    *, now: datetime, queue: Queue, caller_number: str, external_id: str | None = None
) -> Call:
    """A call enters the queue (from the PBX); it is offered at once if an agent is ready.

    A PBX id already taken raises IntegrityError (the unique column decides, also between two
    arrivals at the same instant); the CTI API answers a repeated arrival with the known call."""
    with transaction.atomic(), batched_events():
        caller = identify_caller(caller_number)
        call = Call.objects.create(
            queue=queue,
            caller_number=caller_number,
            external_id=external_id or None,
            customer_id=caller.customer_id,
            priority=caller.priority,
            arrived_at=now,
        )
        event_append(
            actor=None,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.ARRIVED,
            new=payload({QUEUE: queue}, customer=caller.customer_id, priority=caller.priority),
        )
        # Routed in the same transaction: the call is never seen waiting with an agent free.
        if any(offer.call_id == call.pk for offer in floor_route(team_id=queue.team_id, now=now)):
            call.state = CallState.OFFERED
    return call


def _locked_offer(offer_id: int, agent: User | None) -> Offer:
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("call", "callback")
        .get(pk=offer_id)
    )
    if agent is not None and offer.agent_id != agent.pk:
        raise PolicyRefusal("B9", gettext_noop("This call was offered to another agent."))
    if offer.outcome != OfferOutcome.PENDING:
        raise PolicyRefusal("B9", gettext_noop("This offer is no longer ringing."))
    return offer


def offer_accept(*, actor: User, now: datetime, offer_id: int) -> Call:
    """The agent answers: the call (or the callback's call) is connected to them."""
    with transaction.atomic():
        assert actor.team_id is not None
        lock_team(actor.team_id)
        return offer_accept_locked(_locked_offer(offer_id, actor), actor=actor, now=now)


def offer_accept_locked(offer: Offer, *, actor: User, now: datetime) -> Call:
    """offer_accept's work once the team and the pending offer are locked (the PBX's answer
    locks them with the call it names, cti_call_answer: locking again costs the hot path)."""
    with batched_events():
        withdraw_offer(offer, outcome=OfferOutcome.ACCEPTED, now=now)
        move_agent_if(actor.pk, AgentState.OFFERED, AgentEvent.ACCEPT, actor=actor, now=now)
        call = _connect(offer, actor, now)
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.ANSWERED,
            new=payload({AGENT: actor}, callback=offer.callback),
        )
    return call


def _connect(offer: Offer, agent: User, now: datetime) -> Call:
    if offer.call is not None:
        call = offer.call
    else:
        callback = offer.callback
        assert callback is not None
        callback.state, callback.agent = CallbackState.IN_PROGRESS, agent
        callback.attempts += 1
        callback.save(update_fields=["state", "agent", "attempts"])
        call = Call.objects.create(
            queue=callback.queue,
            caller_number=callback.number,
            customer=callback.customer,
            priority=callback.priority,
            arrived_at=callback.window_start,
            callback=callback,
        )
        # The PBX dials it (CTI push) and reports its end by this id, as for the calls it
        # brings; the prefix is Hotline's, refused on arrivals.
        call.external_id = f"{OWN_CALL_ID_PREFIX}{call.pk}"
    call.state, call.agent, call.answered_at = CallState.CONNECTED, agent, now
    call.save(update_fields=["state", "agent", "answered_at", "external_id"])
    return call


def offer_decline(
    *, actor: User | None, now: datetime, offer_id: int, expired: bool = False
) -> None:
    """Declined or unanswered: the work goes back to the head of the queue, the agent not ready."""
    with transaction.atomic():
        offer = Offer.objects.select_related("agent").get(pk=offer_id)
        assert offer.agent.team_id is not None
        team_id = offer.agent.team_id
        lock_team(team_id)
        offer = _locked_offer(offer_id, actor)
        withdraw_offer(
            offer, outcome=OfferOutcome.EXPIRED if expired else OfferOutcome.DECLINED, now=now
        )
        _back_to_queue(offer)
        # The PBX stops ringing that desk (CTI push): the work waits, or rings elsewhere next.
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL if offer.call_id is not None else CallsEntity.CALLBACK,
            entity_id=offer.call_id if offer.call_id is not None else offer.callback_id,
            action=(
                (CallAction.OFFER_EXPIRED if expired else CallAction.OFFER_DECLINED)
                if offer.call_id is not None
                else (CallbackAction.OFFER_EXPIRED if expired else CallbackAction.OFFER_DECLINED)
            ),
            new={AGENT: offer.agent_id, OFFER: offer.pk},
            rule="B9",
        )
        event = AgentEvent.OFFER_TIMEOUT if expired else AgentEvent.DECLINE
        reason = StateReason.MISSED_CALL if expired else StateReason.DECLINED_CALL
        move_agent(
            AgentSession.objects.select_for_update().get(agent=offer.agent),
            event,
            actor=actor,
            now=now,
            reason=reason,
            rule="B9",
        )
    floor_route(team_id=team_id, now=now)


def _back_to_queue(offer: Offer) -> None:
    # The arrival time is kept, so fair order puts the call back at the head of its queue.
    if offer.call_id is not None:
        Call.objects.filter(pk=offer.call_id).update(state=CallState.WAITING)
    elif offer.callback_id is not None:
        Callback.objects.filter(pk=offer.callback_id).update(state=CallbackState.SCHEDULED)


def call_end(*, actor: User | None, now: datetime, call_id: int) -> Call:
    """Talk ends (agent hangs up, or the PBX says so); wrap-up starts."""
    with transaction.atomic():
        return call_end_locked(lock_call(call_id), actor=actor, now=now)


def call_end_locked(call: Call, *, actor: User | None, now: datetime) -> Call:
    """call_end's work once the call and its team are locked (lock_call; the PBX's report of
    the end locks them itself to check the call's state first, cti_call_end)."""
    with batched_events():
        if call.state in ENDED_CALL_STATES and (actor is None or actor.pk == call.agent_id):
            return call  # said twice (the PBX retrying, a double click): it ended once
        if call.state != CallState.CONNECTED or call.agent_id is None:
            raise CallConflict(call, gettext_noop("The call is %(state)s: it is not in progress."))
        if actor is not None and actor.pk != call.agent_id:
            raise PolicyRefusal("B10", gettext_noop("This is another agent's call."))
        call.state, call.ended_at = CallState.WRAP_UP, now
        if call.held_since is not None:  # hung up on hold: the hold ends with the talk
            call.hold_seconds += max(int((now - call.held_since).total_seconds()), 0)
            call.held_since = None
        # One statement still (the hot path's count is pinned): the hold fields go with it.
        call.save(update_fields=["state", "ended_at", "held_since", "hold_seconds"])
        colleague_freed = withdraw_transfers(call, actor=actor, now=now, why=StateReason.CALL_ENDED)
        move_agent_if(
            call.agent_id,
            AgentState.ON_CALL,
            AgentEvent.CALL_END,
            actor=actor,
            now=now,
            wrap_up_ends_at=wrap_up_end(call.queue, now),
        )
        # A callback's call ending says nothing of how it went: the agent records that (B8,
        # callback_record_outcome); until then it counts as due and not completed.
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.ENDED,
            new={
                TALK_SECONDS: int((now - call.answered_at).total_seconds())
                if call.answered_at
                else 0,
                EXTERNAL_ID: call.external_id,
            },
        )
        if colleague_freed:  # the colleague may take the next waiting call
            floor_route(team_id=call.queue.team_id, now=now, team_locked=True)
    return call


def wrap_up_end(queue: Queue, now: datetime) -> datetime:
    """When the wrap-up of a call of the queue that ends now will end (its time is per queue)."""
    return now + queue.wrap_up_time


def agent_wrap_up_end(*, actor: User | None, now: datetime, agent: User) -> AgentSession:
    """After-call work done: the agent is ready again, or goes on the break asked for (B5)."""
    with transaction.atomic(), batched_events():
        assert agent.team_id is not None
        lock_team(agent.team_id)
        session = locked_session(agent)
        call_ids = _end_wrap_ups(agent.pk)
        for call_id in call_ids:
            event_append(
                actor=actor,
                now=now,
                entity=CallsEntity.CALL,
                entity_id=call_id,
                action=CallAction.WRAPPED_UP,
            )
        session.wrap_up_ends_at = None
        move_agent(session, AgentEvent.WRAP_END, actor=actor, now=now)
        if agent.role == Role.TEAM_LEAD:  # B10: back from a take-over, not into the queue
            lead_back_from_take_over(session, call_ids, actor=actor, now=now)
        start_pending_leave(session, now=now)
        floor_route(team_id=agent.team_id, now=now, team_locked=True)
    return session


def _end_wrap_ups(agent_id: int) -> list[int]:
    """The agent's calls in wrap-up are ended; their ids, from the same statement."""
    rows = sql_rows(
        END_WRAP_UPS_SQL,
        ended=CallState.ENDED.value,
        agent=agent_id,
        wrap_up=CallState.WRAP_UP.value,
    )
    return [call_id for (call_id,) in rows]


def call_abandon(*, now: datetime, call_id: int) -> Call:
    """The caller hung up while waiting (from the PBX); a ringing offer is withdrawn."""
    with transaction.atomic():
        call = lock_call(call_id)
        if call.state not in (CallState.WAITING, CallState.OFFERED):
            return call  # already answered, ended or gone: the PBX's late news changes nothing
        for offer in Offer.objects.select_for_update().filter(
            call=call, outcome=OfferOutcome.PENDING
        ):
            withdraw_offer(offer, outcome=OfferOutcome.WITHDRAWN, now=now)
            ring_stopped(offer.agent_id, actor=None, now=now, reason=StateReason.CALLER_HUNG_UP)
        call.state, call.ended_at = CallState.ABANDONED, now
        call.save(update_fields=["state", "ended_at"])
        event_append(
            actor=None,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.ABANDONED,
            new=payload(waited_seconds=int((now - call.arrived_at).total_seconds())),
        )
    floor_route(team_id=call.queue.team_id, now=now)  # the freed agent may take the next call
    return call


def ring_stopped(
    agent_id: int, *, actor: User | None, now: datetime, reason: str, rule: str = ""
) -> None:
    """The agent whose phone rang for nothing is ready again, keeping their place in line."""
    session = AgentSession.objects.select_for_update().get(agent_id=agent_id)
    ready_since = session.ready_since
    move_agent(session, AgentEvent.DECLINE, actor=actor, now=now, reason=reason, rule=rule)
    move_agent(session, AgentEvent.MAKE_READY, actor=actor, now=now)
    session.ready_since = ready_since
    session.save(update_fields=["ready_since"])


def withdraw_transfers(call: Call, *, actor: User | None, now: datetime, why: str) -> bool:
    """A transfer still ringing when its call ends or changes hands stops ringing (A4): the
    colleague is ready again in their place in line, and the event says why. True if one was.
    One statement when there is none (the call's end is on the floor's hot path)."""
    rows = sql_rows(
        WITHDRAW_TRANSFERS_SQL,
        withdrawn=TransferOutcome.WITHDRAWN.value,
        now=db_time(now),
        call=call.pk,
        pending=TransferOutcome.PENDING.value,
    )
    for (to_agent_id,) in rows:
        ring_stopped(to_agent_id, actor=actor, now=now, reason=why, rule="A4")
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.TRANSFER_WITHDRAWN,
            new=payload(to=to_agent_id),
            reason=why,
            rule="A4",
        )
    return bool(rows)
