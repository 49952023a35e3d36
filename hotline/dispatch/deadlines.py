"""What happens when a dispatch clock runs out (D4, D5, D6, B7, D8).

Each handler runs inside the transaction that marks its deadline fired, so its writes and the
firing land together. Misses are events: the reports count them per provider (DESIGN: reports
come from events).
"""

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadline_handler
from hotline.dispatch.choices import OPEN_ORDER_STATES, UrgeReason, WorkOrderState
from hotline.dispatch.events import PROVIDER, DispatchEntity, WorkOrderAction
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services.centre import urge_locked
from hotline.dispatch.services.common import lock_order, notify_customer
from hotline.notices.services import notify
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Chase


def _open_order(deadline: Deadline) -> WorkOrder | None:
    """The order, locked, if it still needs chasing: finished or signed orders are left alone."""
    if deadline.work_order_id is None:
        return None
    order = lock_order(deadline.work_order_id)
    return order if order.state in OPEN_ORDER_STATES else None


def _missed(deadline: Deadline, now: datetime, action: WorkOrderAction, reason: UrgeReason) -> None:
    order = _open_order(deadline)
    if order is None:
        return
    event_append(
        actor=None,
        now=now,
        entity=DispatchEntity.WORK_ORDER,
        entity_id=order.pk,
        action=action,
        rule=deadline.rule or "D4",
        new={"due": deadline.due_at.isoformat(), PROVIDER: order.provider_id},
    )
    urge_locked(actor=None, now=now, order=order, reason=reason)


@deadline_handler("d4.contact", _("Provider contacts the customer"))
def contact_missed(deadline: Deadline, now: datetime) -> None:
    """D4: the customer was not contacted in time: counted, and the provider urged."""
    _missed(deadline, now, WorkOrderAction.CONTACT_MISSED, UrgeReason.D4_MISSED)


@deadline_handler("d4.status", _("Provider reports the status"))
def status_missed(deadline: Deadline, now: datetime) -> None:
    """D4: no status report in time: counted, and the provider urged."""
    _missed(deadline, now, WorkOrderAction.STATUS_MISSED, UrgeReason.D4_MISSED)


@deadline_handler("d5.urge", _("Urge the provider"))
def no_feedback(deadline: Deadline, now: datetime) -> None:
    """D5: no feedback since the last report: urge and record when."""
    order = _open_order(deadline)
    if order is not None:
        urge_locked(actor=None, now=now, order=order, reason=UrgeReason.NO_FEEDBACK)


@deadline_handler("d6.response", _("Response promised by the zone"))
def response_late(deadline: Deadline, now: datetime) -> None:
    """D6: over the zone's limit: the order is marked late (the provider's timeliness counts
    it), the provider urged and the customer told (C3)."""
    order = _open_order(deadline)
    if order is None or order.late_at is not None:
        return
    order.late_at = now
    order.save(update_fields=["late_at"])
    event_append(
        actor=None,
        now=now,
        entity=DispatchEntity.WORK_ORDER,
        entity_id=order.pk,
        action=WorkOrderAction.LATE,
        rule="D6",
        new={PROVIDER: order.provider_id, "due": order.response_due.isoformat()},
    )
    urge_locked(actor=None, now=now, order=order, reason=UrgeReason.LATE)
    notify_customer(
        now=now,
        order=order,
        rule="C3",
        subject=gettext_noop("Your repair %(ticket)s is late"),
        body=gettext_noop(
            "We promised a response by %(due)s and the provider has not finished yet. "
            "We have urged them and will keep you informed."
        ),
        due=order.response_due,
    )


@deadline_handler("b7.visit_warning", _("Warn before the promised visit"))
def visit_warning(deadline: Deadline, now: datetime) -> None:
    """B7: the technician will be late for the agreed visit: tell the customer before it passes."""
    order = _open_order(deadline)
    if order is None or order.visit_start is None or order.state == WorkOrderState.IN_PROGRESS:
        return  # done, or the technician is already on it
    event_append(
        actor=None,
        now=now,
        entity=DispatchEntity.WORK_ORDER,
        entity_id=order.pk,
        action=WorkOrderAction.VISIT_WARNING,
        rule="B7",
    )
    notify_customer(
        now=now,
        order=order,
        rule="B7",
        subject=gettext_noop("Your visit for %(ticket)s may be late"),
        body=gettext_noop(
            "The technician has not confirmed the visit at %(start)s yet. We are checking and "
            "will tell you the new time."
        ),
        start=order.visit_start,
    )


@deadline_handler("d8.reply", _("Reply promised to the customer"))
def chase_reply_due(deadline: Deadline, now: datetime) -> None:
    """D8: the reply promised to a chasing customer is due: alert the agent who promised it."""
    if deadline.ticket_id is None:
        return
    chase = (
        Chase.objects.filter(ticket_id=deadline.ticket_id, replied_at__isnull=True)
        .select_related("by", "ticket")
        .order_by("-at")
        .first()
    )
    if chase is None:
        return
    event_append(
        actor=None,
        now=now,
        entity=TicketsEntity.TICKET,
        entity_id=chase.ticket_id,
        action=TicketAction.CHASE_REPLY_DUE,
        rule="D8",
    )
    notify(
        now=now,
        rule="D8",
        user=chase.by,
        ticket=chase.ticket,
        subject=gettext_noop("Reply due to the customer on %(ticket)s"),
        body=gettext_noop("You promised the customer a reply by %(due)s."),
        params={"ticket": chase.ticket.number, "due": chase.reply_promised_by},
    )
