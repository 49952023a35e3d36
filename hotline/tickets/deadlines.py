"""What happens when a case's clock runs out (D2, D11, B7, D9, A6).

Each handler runs inside the transaction that marks its deadline fired, so its writes and the
firing land together. Misses are events (the reports count them) and alerts to people.
"""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadline_handler
from hotline.notices.services import notify
from hotline.tickets.choices import OPEN_TICKET_STATES, ComplaintState, TicketState
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Complaint, Escalation, EscalationRule, Ticket
from hotline.tickets.services.common import alert_users, lock_ticket, team_leads_for
from hotline.tickets.services.escalation import escalation_record, people_of_rule

# D2: still on the centre's side, no work order yet.
BEFORE_DISPATCH = frozenset(
    {
        TicketState.OPEN,
        TicketState.READ_BACK,
        TicketState.TO_DISPATCH,
        TicketState.BOUNCED,
        TicketState.AWAITING_APPROVAL,
    }
)


def _ticket(deadline: Deadline) -> Ticket | None:
    return lock_ticket(deadline.ticket_id) if deadline.ticket_id is not None else None


@deadline_handler("d2.work_order", _("Turn the case into a work order"))
def work_order_late(deadline: Deadline, now: datetime) -> None:
    """D2: not solved on the phone and no work order in time: the owner and team lead alerted."""
    ticket = _ticket(deadline)
    if ticket is None or ticket.state not in BEFORE_DISPATCH:
        return
    told = alert_users(
        [ticket.owner, *team_leads_for(ticket)],
        now=now,
        rule="D2",
        ticket=ticket,
        subject=gettext_noop("Ticket %(number)s has no work order yet"),
        body=gettext_noop(
            "It was due to become a work order by %(due)s (it is: %(state)s). Finish it now."
        ),
        due=deadline.due_at,
        state=TicketState(ticket.state).label,  # lazy: each recipient reads it in their language
    )
    event_append(
        actor=None,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.WORK_ORDER_LATE,
        rule="D2",
        new={"due": deadline.due_at.isoformat(), "state": ticket.state, "told": told},
    )


@deadline_handler("d11.callback", _("Call the customer back"))
def callback_late(deadline: Deadline, now: datetime) -> None:
    """D11: the promised callback is overdue: the owner and team lead alerted."""
    ticket = _ticket(deadline)
    if ticket is None or ticket.state != TicketState.CALLBACK_DUE:
        return
    told = alert_users(
        [ticket.owner, *team_leads_for(ticket)],
        now=now,
        rule="D11",
        ticket=ticket,
        subject=gettext_noop("Callback for %(number)s is overdue"),
        body=gettext_noop("%(customer)s was promised a callback by %(due)s."),
        due=deadline.due_at,
    )
    event_append(
        actor=None,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.CALLBACK_LATE,
        rule="D11",
        new={"due": deadline.due_at.isoformat(), "told": told},
    )


@deadline_handler("b7.callback_warning", _("Warn before the promised callback"))
def callback_warning(deadline: Deadline, now: datetime) -> None:
    """B7: the promised callback is not made yet: tell the customer before the time passes."""
    ticket = _ticket(deadline)
    if ticket is None or ticket.state != TicketState.CALLBACK_DUE:
        return
    notify(
        now=now,
        rule="B7",
        customer=ticket.customer,
        ticket=ticket,
        subject=gettext_noop("Our call about %(number)s may be a little late"),
        body=gettext_noop(
            "We promised to call you back by %(due)s. We have not forgotten you: your agent "
            "will call as soon as possible."
        ),
        params={"number": ticket.number, "due": ticket.callback_due},
    )
    event_append(
        actor=None,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.CALLBACK_WARNING,
        rule="B7",
    )


@deadline_handler("d9.reply", _("Engineer answers the complaint"))
def engineer_reply_late(deadline: Deadline, now: datetime) -> None:
    """D9: the engineer did not reply in time: the team lead is alerted."""
    ticket = _ticket(deadline)
    if ticket is None:
        return
    complaint = Complaint.objects.select_for_update().filter(ticket=ticket).first()
    if complaint is None or complaint.state != ComplaintState.WITH_ENGINEER:
        return
    leads = [complaint.team_lead] if complaint.team_lead else team_leads_for(ticket)
    told = alert_users(
        leads,
        now=now,
        rule="D9",
        ticket=ticket,
        subject=gettext_noop("Complaint %(number)s: the engineer's reply is overdue"),
        body=gettext_noop("%(engineer)s was due to reply by %(due)s."),
        engineer=str(complaint.engineer) if complaint.engineer else "",
        due=deadline.due_at,
    )
    event_append(
        actor=None,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=ticket.pk,
        action=TicketAction.ENGINEER_REPLY_LATE,
        rule="D9",
        new={"due": deadline.due_at.isoformat(), "engineer": complaint.engineer_id, "told": told},
    )


@deadline_handler("a6.escalate", _("Escalation step"))
def escalate_by_rule(deadline: Deadline, now: datetime) -> None:
    """A6: a configured rule's time has come and the case is still open: up a level."""
    ticket = _ticket(deadline)
    if ticket is None or ticket.state not in OPEN_TICKET_STATES:
        return
    _, _, ref = deadline.kind.partition(":")
    rule = EscalationRule.objects.filter(pk=int(ref) if ref.isdigit() else 0, active=True).first()
    if rule is None or Escalation.objects.filter(ticket=ticket, rule=rule).exists():
        return
    escalation_record(
        ticket=ticket,
        now=now,
        level=rule.level,
        actor=None,
        rule=rule,
        reason=rule.name,
        people=people_of_rule(rule, ticket),
    )
