"""D9: a complaint is recorded, settled on the call or escalated to the team lead, who hands it
to the region's after-sales engineer; the engineer replies in time and the outcome is recorded."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.services import deadline_cancel, deadline_meet, deadline_set
from hotline.directory.models import CustomerSite
from hotline.notices.services import notify
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.choices import ComplaintState, TicketKind, TicketState
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Complaint, Ticket
from hotline.tickets.services.common import (
    alert_users,
    lock_ticket,
    lock_worked_ticket,
    require_text,
    team_leads_for,
)


def _lock_complaint(ticket: Ticket, expected: str) -> Complaint:
    if ticket.kind != TicketKind.COMPLAINT:
        raise PolicyRefusal(
            "D9", gettext_noop("Ticket %(number)s is not a complaint."), {"number": ticket.number}
        )
    complaint = Complaint.objects.select_for_update().get(ticket=ticket)
    if complaint.state != expected:
        raise PolicyRefusal(
            "D9",
            gettext_noop("The complaint can't do this now (it is: %(state)s)."),
            {"state": complaint.get_state_display()},
        )
    return complaint


def _finish(ticket: Ticket, now: datetime, outcome: str) -> None:
    ticket.state = TicketState.SOLVED
    ticket.resolution = outcome
    ticket.solved_at = now
    ticket.save(update_fields=["state", "resolution", "solved_at"])
    deadline_cancel(now=now, ticket=ticket)  # A6: an answered complaint no longer escalates


def complaint_settle(*, actor: User, now: datetime, ticket: Ticket, outcome: str) -> Complaint:
    """D9: settled on the call; the outcome and time are recorded."""
    outcome = require_text(outcome, "D9", gettext_noop("Record how the complaint was settled."))
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        complaint = _lock_complaint(ticket, ComplaintState.RECORDED)
        complaint.state = ComplaintState.SETTLED
        complaint.outcome = outcome
        complaint.replied_at = now
        complaint.save()
        _finish(ticket, now, outcome)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.COMPLAINT_SETTLED,
            rule="D9",
            old={"complaint": ComplaintState.RECORDED},
            new={"complaint": complaint.state},
            reason=outcome,
        )
    return complaint


def complaint_escalate(*, actor: User, now: datetime, ticket: Ticket, reason: str) -> Complaint:
    """D9: not settled on the call: to the team lead, once read back and confirmed (E2)."""
    reason = require_text(reason, "D9", gettext_noop("Say why the complaint can't be settled."))
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        complaint = _lock_complaint(ticket, ComplaintState.RECORDED)
        if ticket.read_back_at is None:
            raise PolicyRefusal(
                "E2",
                gettext_noop(
                    "Read ticket %(number)s back to the customer and record their confirmation "
                    "before escalating it."
                ),
                {"number": ticket.number},
            )
        leads = team_leads_for(ticket)
        complaint.state = ComplaintState.WITH_LEAD
        complaint.team_lead = leads[0] if leads else None
        complaint.save()
        old_state = ticket.state
        ticket.state = TicketState.ESCALATED
        ticket.save(update_fields=["state"])
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.COMPLAINT_ESCALATED,
            rule="D9",
            old={"state": old_state, "complaint": ComplaintState.RECORDED},
            new={
                "state": ticket.state,
                "complaint": complaint.state,
                "lead": complaint.team_lead_id,
            },
            reason=reason,
        )
        alert_users(
            leads,
            now=now,
            rule="D9",
            ticket=ticket,
            subject=gettext_noop("Complaint %(number)s escalated to you"),
            body=gettext_noop(
                "%(customer)s: %(reason)s. Hand it to the region's after-sales engineer."
            ),
            reason=reason,
        )
    return complaint


def complaint_hand_to_engineer(
    *, actor: User, now: datetime, ticket: Ticket, site: CustomerSite | None = None
) -> Complaint:
    """D9: the team lead hands it to the region's after-sales engineer, who replies in time.

    The region is the complaint's site's: the one it was opened with, else the site of the case
    it is about, else one of the customer's sites the team lead chooses here (the ticket can no
    longer be edited once escalated, E2)."""
    if actor.role != Role.TEAM_LEAD:
        raise PolicyRefusal(
            "D9", gettext_noop("Only a team lead hands a complaint to the engineer.")
        )
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        complaint = _lock_complaint(ticket, ComplaintState.WITH_LEAD)
        if site is not None and site.customer_id != ticket.customer_id:
            raise ValidationError(gettext("Choose one of the customer's sites."))
        old_site = ticket.site_id
        chosen = site or ticket.site or (ticket.updates.site if ticket.updates else None)
        if chosen is None:
            raise PolicyRefusal(
                "D9", gettext_noop("Choose the customer's site: its region has the engineer.")
            )
        engineer = chosen.region.engineer
        if engineer is None or not engineer.is_active:
            raise PolicyRefusal(
                "D9",
                gettext_noop("Region %(region)s has no after-sales engineer."),
                {"region": chosen.region.name},
            )
        if chosen.pk != old_site:
            ticket.site = chosen
            ticket.save(update_fields=["site"])
        due = now + current_rulebook().duration("d9.engineer_reply_within")
        complaint.state = ComplaintState.WITH_ENGINEER
        complaint.team_lead = actor
        complaint.engineer = engineer
        complaint.handed_at = now
        complaint.reply_due = due
        complaint.save()
        deadline_set(kind="d9.reply", rule="D9", due_at=due, now=now, ticket=ticket)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.COMPLAINT_TO_ENGINEER,
            rule="D9",
            old={"complaint": ComplaintState.WITH_LEAD, "site": old_site},
            new={
                "complaint": complaint.state,
                "engineer": engineer.pk,
                "due": due.isoformat(),
                "site": chosen.pk,
            },
        )
        alert_users(
            [engineer],
            now=now,
            rule="D9",
            ticket=ticket,
            subject=gettext_noop("Complaint %(number)s: your reply is due by %(due)s"),
            body=gettext_noop("%(customer)s complains: %(symptom)s"),
            due=due,
            symptom=ticket.symptom,
        )
    return complaint


def complaint_answer(*, actor: User, now: datetime, ticket: Ticket, outcome: str) -> Complaint:
    """D9: the engineer's reply; the outcome and time recorded, the customer told."""
    outcome = require_text(outcome, "D9", gettext_noop("Record the outcome of the complaint."))
    with transaction.atomic():
        ticket = lock_ticket(ticket.pk)
        complaint = _lock_complaint(ticket, ComplaintState.WITH_ENGINEER)
        if complaint.engineer_id != actor.pk:
            raise PolicyRefusal(
                "D9", gettext_noop("Only the region's after-sales engineer answers this complaint.")
            )
        complaint.state = ComplaintState.ANSWERED
        complaint.outcome = outcome
        complaint.replied_at = now
        complaint.save()
        late = complaint.reply_due is not None and now > complaint.reply_due
        deadline_meet(kind="d9.reply", now=now, ticket=ticket)
        _finish(ticket, now, outcome)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.COMPLAINT_ANSWERED,
            rule="D9",
            old={"complaint": ComplaintState.WITH_ENGINEER},
            new={"complaint": complaint.state, "late": late},
            reason=outcome,
        )
        notify(
            now=now,
            rule="D9",
            customer=ticket.customer,
            ticket=ticket,
            subject=gettext_noop("Your complaint %(number)s: our answer"),
            body=gettext_noop("%(outcome)s"),
            params={"number": ticket.number, "outcome": outcome},
        )
    return complaint
