"""Helpers shared by the tickets services: locking, who may act, events and staff alerts."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import ON_THE_PHONES
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.notices.services import notify
from hotline.tickets.choices import OPEN_TICKET_STATES, TicketState
from hotline.tickets.events import TicketsEntity
from hotline.tickets.models import Ticket

TICKET_ENTITY = TicketsEntity.TICKET  # the name older code and tests import
# States in which the agent is still writing the ticket (E2, E3).
EDITABLE_STATES = frozenset({TicketState.OPEN, TicketState.READ_BACK, TicketState.BOUNCED})


def lock_ticket(ticket_id: int) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "site__region", "equipment", "category", "contract", "owner")
        .get(pk=ticket_id)
    )


def lock_worked_ticket(actor: User, ticket: Ticket | int) -> Ticket:
    """D11 / B10: the owner works the ticket, or a team lead; anyone else is refused.

    Roles off the phones never see tickets they don't own here: they get `Ticket.DoesNotExist`,
    exactly like a ticket that does not exist (no leak)."""
    if actor.role not in ON_THE_PHONES:
        raise Ticket.DoesNotExist
    locked = lock_ticket(ticket if isinstance(ticket, int) else ticket.pk)
    if actor.role == Role.AGENT and locked.owner_id != actor.pk:
        raise PolicyRefusal(
            "B10",
            gettext_noop(
                "Ticket %(number)s belongs to another agent (D11): "
                "only a team lead can hand it to you."
            ),
            {"number": locked.number},
        )
    return locked


def check_state(ticket: Ticket, states: Iterable[str], rule: str) -> None:
    if ticket.state not in set(states):
        raise PolicyRefusal(
            rule,
            gettext_noop("Ticket %(number)s can't do this now (it is: %(state)s)."),
            {"number": ticket.number, "state": ticket.get_state_display()},
        )


def check_open(ticket: Ticket, rule: str) -> None:
    check_state(ticket, OPEN_TICKET_STATES, rule)


def require_text(value: str, rule: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise PolicyRefusal(rule, message)
    return text


def team_leads_for(ticket: Ticket) -> list[User]:
    """The team leads of the owner's team; every team lead when that team has none."""
    leads: QuerySet[User] = User.objects.filter(role=Role.TEAM_LEAD, is_active=True)
    of_team = list(leads.filter(team_id=ticket.owner.team_id)) if ticket.owner.team_id else []
    return of_team or list(leads.order_by("id"))


def managers() -> list[User]:
    return list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("id"))


def users_with_role(role: str, ticket: Ticket) -> list[User]:
    if role == Role.TEAM_LEAD:
        return team_leads_for(ticket)
    return list(User.objects.filter(role=role, is_active=True).order_by("id"))


def alert_users(
    users: Iterable[User],
    *,
    now: datetime,
    rule: str,
    ticket: Ticket,
    subject: str,
    body: str,
    **params: object,
) -> list[int]:
    """One notice to each user (deduplicated), in their language; returns who was told."""
    told: list[int] = []
    for user in users:
        if user.pk in told:
            continue
        notify(
            now=now,
            rule=rule,
            user=user,
            ticket=ticket,
            subject=subject,
            body=body,
            params={"number": ticket.number, "customer": ticket.customer.name, **params},
        )
        told.append(user.pk)
    return told


def void_read_back(ticket: Ticket) -> None:
    if ticket.state == TicketState.READ_BACK:
        ticket.state = TicketState.OPEN
        ticket.read_back_text = ""
        ticket.read_back_at = None
