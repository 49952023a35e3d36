"""Transfers only with the receiver's consent (rule A4); no taking over a colleague's call (B10)."""

from datetime import datetime

from django.db import transaction

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.payload import payload
from hotline.audit.services import event_append
from hotline.calls.choices import CallState, StateReason, TransferOutcome
from hotline.calls.conflicts import CallConflict
from hotline.calls.events import AGENT, LEAD_WAS, CallAction, CallsEntity
from hotline.calls.models import AgentSession, Call, Transfer
from hotline.calls.services.calls import ring_stopped, withdraw_transfers, wrap_up_end
from hotline.calls.services.floor import lock_call, locked_session, move_agent
from hotline.calls.services.routing import floor_route
from hotline.core.agent_states import AgentEvent, AgentState
from hotline.core.floor import transfer_refusal
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.rulebook.selectors import current_rulebook


def transfer_request(
    *, actor: User, now: datetime, call_id: int, to_agent: User, reason: str
) -> Transfer:
    """Ask a ready colleague to take the call; it rings on their desk until they answer (A4)."""
    if not reason.strip():
        raise PolicyRefusal("A4", gettext_noop("A transfer needs a reason."))
    with transaction.atomic():
        call = lock_call(call_id)
        on_own_call = call.agent_id == actor.pk and call.state == CallState.CONNECTED
        colleague = to_agent.pk != actor.pk and to_agent.team_id == call.queue.team_id
        receiver = locked_session(to_agent) if on_own_call and colleague else None
        refusal = transfer_refusal(
            on_own_call=on_own_call,
            same_team_colleague=colleague,
            receiver_state=AgentState(receiver.state) if receiver else AgentState.LOGGED_OUT,
            receiver_name=str(to_agent),
        )
        if refusal is not None:
            raise refusal
        assert receiver is not None
        timeout = current_rulebook().duration("a4.transfer_answer_timeout", queue=call.queue_id)
        transfer = Transfer.objects.create(
            call=call,
            from_agent=actor,
            to_agent=to_agent,
            reason=reason,
            requested_at=now,
            expires_at=now + timeout,
        )
        move_agent(
            receiver, AgentEvent.OFFER, actor=actor, now=now, reason=StateReason.TRANSFER, rule="A4"
        )
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.TRANSFER_REQUESTED,
            new=payload(to=to_agent),
            reason=reason,
            rule="A4",
        )
    return transfer


def _locked_transfer(transfer_id: int) -> Transfer:
    lock_call(Transfer.objects.values_list("call_id", flat=True).get(pk=transfer_id))
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("call__queue")
        .get(pk=transfer_id)
    )
    if transfer.outcome != TransferOutcome.PENDING:
        raise PolicyRefusal("A4", gettext_noop("This transfer is no longer waiting."))
    return transfer


def transfer_accept(*, actor: User, now: datetime, transfer_id: int) -> Call:
    """The colleague consents: the call is theirs, the first agent goes to wrap-up."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer_id)
        if transfer.to_agent_id != actor.pk:
            raise PolicyRefusal("A4", gettext_noop("This transfer was asked of someone else."))
        call = transfer.call
        if call.state != CallState.CONNECTED or call.agent_id != transfer.from_agent_id:
            # Withdrawn when that happens (call_end, call_take_over); kept for a transfer
            # left from before, which then expires on the worker's tick.
            raise PolicyRefusal(
                "A4", gettext_noop("This transfer is no longer waiting: the call ended or moved.")
            )
        transfer.outcome, transfer.decided_at = TransferOutcome.ACCEPTED, now
        transfer.save(update_fields=["outcome", "decided_at"])
        first = AgentSession.objects.select_for_update().get(agent_id=transfer.from_agent_id)
        first.wrap_up_ends_at = wrap_up_end(call.queue, now)  # saved by the move
        move_agent(first, AgentEvent.TRANSFER_OUT, actor=actor, now=now, rule="A4")
        move_agent(locked_session(actor), AgentEvent.ACCEPT, actor=actor, now=now, rule="A4")
        call.agent = actor
        call.save(update_fields=["agent"])
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.TRANSFERRED,
            old=transfer.from_agent_id,
            new=actor.pk,
            rule="A4",
        )
    return call


def transfer_decline(
    *, actor: User | None, now: datetime, transfer_id: int, expired: bool = False
) -> Transfer:
    """Declined or unanswered (A4): the call stays with the first agent."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer_id)
        if actor is not None and transfer.to_agent_id != actor.pk:
            raise PolicyRefusal("A4", gettext_noop("This transfer was asked of someone else."))
        transfer.outcome = TransferOutcome.EXPIRED if expired else TransferOutcome.DECLINED
        transfer.decided_at = now
        transfer.save(update_fields=["outcome", "decided_at"])
        # Saying no to a colleague costs no place in line.
        ring_stopped(
            transfer.to_agent_id, actor=actor, now=now, reason=StateReason.TRANSFER, rule="A4"
        )
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=transfer.call_id,
            action=CallAction.TRANSFER_DECLINED if not expired else CallAction.TRANSFER_EXPIRED,
            new=payload(to=transfer.to_agent_id),
            rule="A4",
        )
    floor_route(team_id=transfer.call.queue.team_id, now=now)
    return transfer


def call_take_over(*, actor: User, now: datetime, call_id: int, reason: str) -> Call:
    """B10: only the team lead may take a call from the agent on it (audited); an agent asks
    the colleague to transfer it instead. The lead takes it at their own desk on the floor: the
    call is then theirs to talk, end and wrap up like any other."""
    call = Call.objects.select_related("agent").get(pk=call_id)
    if actor.role != Role.TEAM_LEAD or call.agent is None or call.agent.team_id != actor.team_id:
        raise PolicyRefusal(
            "B10",
            gettext_noop("This call belongs to %(name)s: ask them to transfer it to you."),
            {"name": str(call.agent) if call.agent else "-"},
        )
    if not reason.strip():
        raise PolicyRefusal("B10", gettext_noop("Say why you take over the call: it is audited."))
    with transaction.atomic():
        call = lock_call(call_id)
        if call.state != CallState.CONNECTED or call.agent_id is None:
            raise CallConflict(call, gettext_noop("The call is %(state)s: it is not in progress."))
        # A colleague's phone still ringing with this call's transfer stops: the call is the
        # lead's now, and the colleague's accept would take it from the wrong agent.
        freed = withdraw_transfers(call, actor=actor, now=now, why=StateReason.CALL_TAKEN_OVER)
        lead = locked_session(actor)
        lead_was = lead.state  # B10: where the lead goes back to after the wrap-up
        _pick_up(lead, actor=actor, now=now)
        old_agent = call.agent_id
        call.agent = actor
        call.save(update_fields=["agent"])
        first = AgentSession.objects.select_for_update().get(agent_id=old_agent)
        first.wrap_up_ends_at = wrap_up_end(call.queue, now)  # saved by the move
        move_agent(first, AgentEvent.TRANSFER_OUT, actor=actor, now=now, rule="B10")
        event_append(
            actor=actor,
            now=now,
            entity=CallsEntity.CALL,
            entity_id=call.pk,
            action=CallAction.TAKEN_OVER,
            old=old_agent,
            new=payload({AGENT: actor, LEAD_WAS: lead_was}),
            reason=reason,
            rule="B10",
        )
        if freed:
            floor_route(team_id=call.queue.team_id, now=now, team_locked=True)
    return call


def _pick_up(lead: AgentSession, *, actor: User, now: datetime) -> None:
    """The lead's desk goes on the call, as an agent's does when a call is put through. A lead
    is usually away from the queue (not ready for calls), which is no bar to taking one over;
    on a break or another call, the state machine refuses."""
    if lead.state == AgentState.AWAY:
        move_agent(lead, AgentEvent.MAKE_READY, actor=actor, now=now, rule="B10")
    move_agent(lead, AgentEvent.OFFER, actor=actor, now=now, rule="B10")
    move_agent(lead, AgentEvent.ACCEPT, actor=actor, now=now, rule="B10")
