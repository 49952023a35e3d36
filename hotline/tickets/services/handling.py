"""D2 / D11: solved on the phone or called back; E3 bounce; B10 reassignment."""

from datetime import datetime

from django.db import transaction

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import DISPATCHERS, ON_THE_PHONES
from hotline.audit.services import event_append
from hotline.core.cases import (
    b7_warning_due,
)
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.services import deadline_cancel, deadline_meet, deadline_set
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.choices import (
    TicketKind,
    TicketState,
)
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import (
    Ticket,
)
from hotline.tickets.services.common import (
    EDITABLE_STATES,
    alert_users,
    check_open,
    check_state,
    lock_ticket,
    lock_worked_ticket,
    require_text,
)

# --- D2 / D11: solved on the phone, or called back --------------------------------------------


# D2: still solvable on the phone while no work order exists: a customer who calls back to say
# it works again, while the ticket waits for dispatch or for the team lead, closes it there.
SOLVABLE_STATES = frozenset(
    {
        TicketState.OPEN,
        TicketState.READ_BACK,
        TicketState.BOUNCED,
        TicketState.TO_DISPATCH,
        TicketState.AWAITING_APPROVAL,
        TicketState.CALLBACK_DUE,
        TicketState.ESCALATED,
    }
)


def ticket_solve(*, actor: User, now: datetime, ticket: Ticket, resolution: str) -> Ticket:
    """D2 / D11: solved on the phone (or on the promised callback): the clocks are met."""
    resolution = require_text(resolution, "D2", gettext_noop("Say how it was solved."))
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        if ticket.kind in (TicketKind.COMPLAINT, TicketKind.INCIDENT):
            raise PolicyRefusal(
                "D9" if ticket.kind == TicketKind.COMPLAINT else "D10",
                gettext_noop("Ticket %(number)s follows its own procedure: it isn't solved here."),
                {"number": ticket.number},
            )
        check_state(ticket, SOLVABLE_STATES, "D2")
        old_state = ticket.state
        ticket.state = TicketState.SOLVED
        ticket.resolution = resolution
        ticket.solved_at = now
        ticket.save()
        met = {
            kind: deadline_meet(kind=kind, now=now, ticket=ticket)
            for kind in ("d2.work_order", "d11.callback", "b7.callback_warning")
        }
        deadline_cancel(now=now, ticket=ticket)  # A6: a solved case no longer escalates
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.SOLVED,
            rule="D11" if old_state == TicketState.CALLBACK_DUE else "D2",
            old={"state": old_state},
            new={"state": ticket.state, "met": met},
            reason=resolution,
        )
    return ticket


def ticket_promise_callback(*, actor: User, now: datetime, ticket: Ticket) -> Ticket:
    """D11: an enquiry not answered on the call is called back in time, by its owner."""
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        if ticket.kind != TicketKind.ENQUIRY:
            raise PolicyRefusal("D11", gettext_noop("Only an enquiry is answered by a callback."))
        check_state(ticket, EDITABLE_STATES, "D11")
        rules = current_rulebook()
        due = now + rules.duration("d11.callback_within")
        old_state = ticket.state
        ticket.state = TicketState.CALLBACK_DUE
        ticket.callback_due = due
        ticket.save()
        deadline_set(kind="d11.callback", rule="D11", due_at=due, now=now, ticket=ticket)
        warn_at = b7_warning_due(
            promised_at=now, due=due, warn_before=rules.duration("b7.warn_before")
        )
        deadline_set(kind="b7.callback_warning", rule="B7", due_at=warn_at, now=now, ticket=ticket)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.CALLBACK_PROMISED,
            rule="D11",
            old={"state": old_state},
            new={"state": ticket.state, "callback_due": due.isoformat()},
        )
    return ticket


# --- E3: the dispatcher's bounce; B10: the team lead reassigns ----------------------------------


def ticket_bounce(*, actor: User, now: datetime, ticket: Ticket, reason: str) -> Ticket:
    """E3: a dispatcher sends a badly written ticket back to its owner, saying why."""
    if actor.role not in DISPATCHERS:
        raise Ticket.DoesNotExist
    reason = require_text(
        reason, "E3", gettext_noop("Say what the ticket is missing: the agent rewrites it.")
    )
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        if ticket.state != TicketState.TO_DISPATCH:
            raise PolicyRefusal(
                "E3",
                gettext_noop("Ticket %(number)s is not waiting for dispatch (it is: %(state)s)."),
                {"number": ticket.number, "state": ticket.get_state_display()},
            )
        ticket.state = TicketState.BOUNCED
        ticket.bounce_reason = reason
        ticket.read_back_at = None
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.BOUNCED,
            rule="E3",
            old={"state": TicketState.TO_DISPATCH},
            new={"state": ticket.state, "owner": ticket.owner_id},
            reason=reason,
        )
        alert_users(
            [ticket.owner],
            now=now,
            rule="E3",
            ticket=ticket,
            subject=gettext_noop("Ticket %(number)s was sent back to you"),
            body=gettext_noop("The dispatcher asks you to rewrite it: %(reason)s"),
            reason=reason,
        )
    return ticket


def ticket_reassign(
    *, actor: User, now: datetime, ticket: Ticket, to_agent: User, reason: str
) -> Ticket:
    """B10: only the case owner's team lead hands it to another member of the team, with a reason.

    As with a call's take-over (limited to the lead's own queues), a lead acts for their own team:
    the permission B10 asks for is "the team lead's", the owner's own lead."""
    if actor.role != Role.TEAM_LEAD:
        raise PolicyRefusal(
            "B10", gettext_noop("Only a team lead can hand a case to another agent.")
        )
    reason = require_text(reason, "B10", gettext_noop("Say why the case changes hands."))
    if to_agent.role not in ON_THE_PHONES or not to_agent.is_active:
        raise PolicyRefusal("B10", gettext_noop("Choose an agent to take the case."))
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        check_open(ticket, "B10")
        if actor.team_id is None or ticket.owner.team_id != actor.team_id:
            raise PolicyRefusal(
                "B10",
                gettext_noop(
                    "%(owner)s is not in your team: their own team lead hands the case on."
                ),
                {"owner": str(ticket.owner)},
            )
        if to_agent.team_id != actor.team_id:
            raise PolicyRefusal(
                "B10",
                gettext_noop("%(name)s is not in your team: a case is handed on within the team."),
                {"name": str(to_agent)},
            )
        if ticket.owner_id == to_agent.pk:
            raise PolicyRefusal(
                "B10", gettext_noop("%(name)s already owns this case."), {"name": str(to_agent)}
            )
        previous = ticket.owner
        ticket.owner = to_agent
        ticket.save(update_fields=["owner"])
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.REASSIGNED,
            rule="B10",
            old={"owner": previous.pk},
            new={"owner": to_agent.pk},
            reason=reason,
        )
        alert_users(
            [to_agent, previous],
            now=now,
            rule="B10",
            ticket=ticket,
            subject=gettext_noop("Ticket %(number)s changed hands"),
            body=gettext_noop("Now owned by %(owner)s: %(reason)s"),
            owner=str(to_agent),
            reason=reason,
        )
    return ticket
