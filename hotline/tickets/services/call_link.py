"""E4: a call about an existing case is linked to it from the desk's screen pop (no new case,
no script): the case's history says so, and the call's wrap-up and last contacts show it."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.calls.choices import CallState
from hotline.calls.conflicts import CallConflict
from hotline.calls.models import Call
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import CallLink, Ticket

LINKABLE_CALL_STATES = (CallState.CONNECTED, CallState.WRAP_UP)


def ticket_link_call(*, actor: User, now: datetime, ticket: Ticket, call: Call) -> CallLink:
    """Link the agent's own call (talking, or in its wrap-up) to a case of the same caller.
    Linking twice is one link (a double click)."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.agent_id != actor.pk:
            raise PolicyRefusal("B10", gettext_noop("This is another agent's call."))
        if call.state not in LINKABLE_CALL_STATES:
            raise CallConflict(
                call, gettext_noop("The call is %(state)s: it can no longer be linked to a case.")
            )
        if call.customer_id is not None and call.customer_id != ticket.customer_id:
            raise ValidationError(gettext("This case is not the caller's."), code="customer")
        link, created = CallLink.objects.get_or_create(
            call=call, ticket=ticket, defaults={"linked_by": actor, "linked_at": now}
        )
        if created:
            event_append(
                actor=actor,
                now=now,
                entity=TicketsEntity.TICKET,
                entity_id=ticket.pk,
                action=TicketAction.CALL_LINKED,
                new={"call": call.pk},
                rule="E4",
            )
    return link
