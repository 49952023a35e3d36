"""C4 options, E3 / E2 read-back and confirmation, D1 special requests."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.payload import iso
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.choices import (
    FIELD_KINDS,
    ServiceOption,
    TicketState,
)
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import (
    Ticket,
)
from hotline.tickets.selectors import technician_gaps
from hotline.tickets.services.common import (
    EDITABLE_STATES,
    alert_users,
    check_state,
    lock_ticket,
    lock_worked_ticket,
    team_leads_for,
    void_read_back,
)
from hotline.tickets.services.script import check_script_walked
from hotline.tickets.services.summary import read_back_summary
from hotline.tickets.services.window import refit_window


def ticket_record_options(
    *, actor: User, now: datetime, ticket: Ticket, offered: list[str], chosen: str
) -> Ticket:
    """C4: the options offered (repair, replacement, refund, other) and the customer's choice."""
    offered = list(dict.fromkeys(offered))
    if not offered or any(option not in ServiceOption.values for option in offered):
        raise PolicyRefusal(
            "C4", gettext_noop("Offer at least one of: repair, replacement, refund, other.")
        )
    if chosen not in offered:
        raise PolicyRefusal(
            "C4", gettext_noop("The customer's choice must be one of the options offered.")
        )
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        old = {"offered": ticket.options_offered, "chosen": ticket.option_chosen}
        ticket.options_offered, ticket.option_chosen = offered, chosen
        void_read_back(ticket)
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.OPTIONS_RECORDED,
            rule="C4",
            old=old,
            new={"offered": offered, "chosen": chosen},
        )
    return ticket


# --- E3 / E2: quality, read-back, confirmation ---------------------------------------------------


def ticket_read_back(*, actor: User, now: datetime, ticket: Ticket) -> Ticket:
    """E4 and E3 must pass (a new problem walked through its script; the facts a technician
    needs); E2: the summary the agent reads to the customer, in their language."""
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        check_script_walked(ticket)
        missing = technician_gaps(ticket)
        if missing:
            raise PolicyRefusal(
                "E3",
                gettext_noop("The ticket is missing what a technician needs: %(missing)s"),
                {
                    "missing": " ".join(gettext(fact.message) for fact in missing),
                    "codes": [fact.code for fact in missing],
                },
            )
        old_state = ticket.state
        ticket.read_back_text = read_back_summary(ticket)
        ticket.read_back_at = None
        ticket.state = TicketState.READ_BACK
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.READ_BACK,
            rule="E2",
            old={"state": old_state},
            new={"state": ticket.state, "language": ticket.customer.language},
        )
    return ticket


def ticket_confirm(*, actor: User, now: datetime, ticket: Ticket) -> Ticket:
    """E2: the customer confirmed the read-back. A visit goes to dispatch, or first to the team
    lead when it carries a special request (D1)."""
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        if ticket.state != TicketState.READ_BACK or not ticket.read_back_text:
            raise PolicyRefusal(
                "E2",
                gettext_noop("Read ticket %(number)s back to the customer first."),
                {"number": ticket.number},
            )
        if ticket.read_back_at is not None:
            return ticket
        ticket.read_back_at = now
        old_state = ticket.state
        if ticket.kind in FIELD_KINDS:
            needs_approval = (
                bool(ticket.special_request.strip()) and not ticket.special_approved_by_id
            )
            ticket.state = (
                TicketState.AWAITING_APPROVAL if needs_approval else TicketState.TO_DISPATCH
            )
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.CONFIRMED,
            rule="E2",
            old={"state": old_state},
            new={"state": ticket.state, "read_back_at": now.isoformat()},
        )
        if ticket.state == TicketState.AWAITING_APPROVAL:
            alert_users(
                team_leads_for(ticket),
                now=now,
                rule="D1",
                ticket=ticket,
                subject=gettext_noop("Ticket %(number)s: a special request needs your approval"),
                body=gettext_noop("%(customer)s asks: %(request)s"),
                request=ticket.special_request,
            )
    return ticket


def ticket_approve_special(
    *, actor: User, now: datetime, ticket: Ticket, approved: bool, reason: str
) -> Ticket:
    """D1: a team lead approves a special request (to dispatch) or refuses it with a reason
    (back to the owner, the request dropped, to be read back again)."""
    if actor.role != Role.TEAM_LEAD:
        raise PolicyRefusal("D1", gettext_noop("Only a team lead approves special requests."))
    reason = reason.strip()
    if not approved and not reason:
        raise PolicyRefusal("D1", gettext_noop("Say why the special request is refused."))
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        if ticket.state != TicketState.AWAITING_APPROVAL:
            raise PolicyRefusal(
                "D1",
                gettext_noop("Ticket %(number)s is not waiting for approval."),
                {"number": ticket.number},
            )
        request = ticket.special_request
        old: dict[str, object] = {
            "state": TicketState.AWAITING_APPROVAL,
            "special_request": request,
        }
        new: dict[str, object] = {}
        if approved:
            ticket.special_approved_by = actor
            ticket.state = TicketState.TO_DISPATCH
        else:
            ticket.special_request = ""
            ticket.state = TicketState.OPEN
            ticket.read_back_text = ""
            ticket.read_back_at = None
            if ticket.kind in FIELD_KINDS and ticket.site is not None:
                # D1: without the request, a window earlier than the booking no longer holds
                old["window"] = iso(ticket.window_start)
                if refit_window(ticket, current_rulebook()):
                    new["window"] = None
                else:
                    del old["window"]
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.SPECIAL_APPROVED if approved else TicketAction.SPECIAL_REFUSED,
            rule="D1",
            old=old,
            new={"state": ticket.state, **new},
            reason=reason,
        )
        alert_users(
            [ticket.owner],
            now=now,
            rule="D1",
            ticket=ticket,
            subject=(
                gettext_noop("Ticket %(number)s: special request approved")
                if approved
                else gettext_noop("Ticket %(number)s: special request refused")
            ),
            body=gettext_noop("%(request)s. %(reason)s"),
            request=request,
            reason=reason,
        )
    return ticket
