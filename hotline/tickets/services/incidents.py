"""D10: special incidents go at once to the team lead and the manager (on creation); the manager
decides; the team lead follows the case to the end and files the written report."""

from datetime import datetime

from django.db import transaction

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.services import deadline_cancel
from hotline.tickets.choices import IncidentState, TicketKind, TicketState
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Incident, Ticket
from hotline.tickets.services.common import (
    alert_users,
    lock_ticket,
    require_text,
    team_leads_for,
)


def _lock_incident(ticket_id: int, expected: str) -> tuple[Ticket, Incident]:
    ticket = lock_ticket(ticket_id)
    if ticket.kind != TicketKind.INCIDENT:
        raise PolicyRefusal(
            "D10",
            gettext_noop("Ticket %(number)s is not a special incident."),
            {"number": ticket.number},
        )
    incident = Incident.objects.select_for_update().get(ticket=ticket)
    if incident.state != expected:
        raise PolicyRefusal(
            "D10",
            gettext_noop("The incident can't do this now (it is: %(state)s)."),
            {"state": incident.get_state_display()},
        )
    return ticket, incident


def incident_decide(*, actor: User, now: datetime, ticket: Ticket, decision: str) -> Incident:
    """D10: the after-sales manager decides; the team lead is told."""
    if actor.role != Role.MANAGER:
        raise PolicyRefusal("D10", gettext_noop("The after-sales manager decides on incidents."))
    decision = require_text(decision, "D10", gettext_noop("Write the decision."))
    with transaction.atomic():
        ticket, incident = _lock_incident(ticket.pk, IncidentState.REPORTED)
        incident.state = IncidentState.DECIDED
        incident.decision = decision
        incident.decided_at = now
        incident.decided_by = actor
        incident.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.INCIDENT_DECIDED,
            rule="D10",
            old={"incident": IncidentState.REPORTED},
            new={"incident": incident.state},
            reason=decision,
        )
        alert_users(
            team_leads_for(ticket),
            now=now,
            rule="D10",
            ticket=ticket,
            subject=gettext_noop("Incident %(number)s: the manager decided"),
            body=gettext_noop("%(decision)s. Follow the case and file the written report."),
            decision=decision,
        )
    return incident


def incident_file_report(*, actor: User, now: datetime, ticket: Ticket, report: str) -> Incident:
    """D10: the team lead files the written report once the manager has decided; case closed."""
    if actor.role != Role.TEAM_LEAD:
        raise PolicyRefusal("D10", gettext_noop("The team lead files the incident report."))
    report = require_text(report, "D10", gettext_noop("Write the report."))
    with transaction.atomic():
        ticket, incident = _lock_incident(ticket.pk, IncidentState.DECIDED)
        incident.state = IncidentState.CLOSED
        incident.report = report
        incident.report_filed_at = now
        incident.report_by = actor
        incident.save()
        old_state = ticket.state
        ticket.state = TicketState.CLOSED
        ticket.solved_at = now
        ticket.resolution = incident.decision
        ticket.save(update_fields=["state", "solved_at", "resolution"])
        deadline_cancel(now=now, ticket=ticket)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.INCIDENT_REPORT_FILED,
            rule="D10",
            old={"state": old_state, "incident": IncidentState.DECIDED},
            new={"state": ticket.state, "incident": incident.state},
        )
    return incident
