"""A6: escalation by hand with a reason; the configured rules fire from the deadline worker
(`hotline/tickets/deadlines.py`), through `escalation_record` too."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Escalation, EscalationRule, Ticket
from hotline.tickets.services.common import (
    alert_users,
    check_open,
    lock_worked_ticket,
    managers,
    require_text,
    team_leads_for,
    users_with_role,
)


def ticket_escalate(*, actor: User, now: datetime, ticket: Ticket, reason: str) -> Escalation:
    """A6 by hand: one level up, with a reason. An agent reads the ticket back first (E2)."""
    reason = require_text(reason, "A6", gettext_noop("Say why the case goes up a level."))
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_open(ticket, "A6")
        if actor.role == Role.AGENT and ticket.read_back_at is None:
            raise PolicyRefusal(
                "E2",
                gettext_noop(
                    "Read ticket %(number)s back to the customer and record their confirmation "
                    "before escalating it."
                ),
                {"number": ticket.number},
            )
        level = _current_level(ticket) + 1
        # Level 1 is the team lead; above it, or when a team lead escalates, the manager.
        people = managers() if level > 1 or actor.role == Role.TEAM_LEAD else team_leads_for(ticket)
        return escalation_record(
            ticket=ticket,
            now=now,
            level=level,
            actor=actor,
            rule=None,
            reason=reason,
            people=people,
        )


def _current_level(ticket: Ticket) -> int:
    found = Escalation.objects.filter(ticket=ticket).aggregate(top=Max("level"))["top"]
    return int(found or 0)


def people_of_rule(rule: EscalationRule, ticket: Ticket) -> list[User]:
    people: list[User] = []
    if rule.notify_user is not None and rule.notify_user.is_active:
        people.append(rule.notify_user)
    if rule.notify_role:
        people.extend(users_with_role(rule.notify_role, ticket))
    return people


def escalation_record(
    *,
    ticket: Ticket,
    now: datetime,
    level: int,
    actor: User | None,
    rule: EscalationRule | None,
    reason: str,
    people: list[User],
) -> Escalation:
    """Write the escalation, its event and the notices (inside the caller's transaction)."""
    escalation = Escalation.objects.create(
        ticket=ticket, rule=rule, level=level, at=now, by=actor, reason=reason
    )
    told = alert_users(
        people,
        now=now,
        rule="A6",
        ticket=ticket,
        subject=gettext_noop("Case %(number)s escalated to level %(level)s"),
        body=gettext_noop("%(customer)s: %(reason)s"),
        level=level,
        reason=reason,
    )
    event_append(
        actor=actor,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.ESCALATED,
        rule="A6",
        new={"level": level, "rule": rule.pk if rule else None, "told": told},
        reason=reason,
    )
    return escalation
