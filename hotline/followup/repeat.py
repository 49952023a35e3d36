"""C6 / D12: a second dispatch (repeat visit) after an unresolved follow-up, linked to the first.

Whoever sends it (the follow-up's record at once, or the dispatcher from the board when the
region's providers were full then), the order is linked here: E1, the technician knows only
what the order says, so it says why they go back.

Dispatch sits below follow-up and imports none of it: the links are made through its hooks,
filled in ``FollowupConfig.ready()`` (a new order is offered to ``link_second_dispatch`` in the
dispatch's transaction; the board asks ``waiting_second_dispatches`` which tickets wait).
"""

from datetime import datetime

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.selectors import RepeatOf
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.notices.services import notify
from hotline.tickets.models import Ticket


def link_second_dispatch(actor: User, now: datetime, order: WorkOrder) -> None:
    """D12: a new order for a ticket whose follow-up found the visit unresolved is the repeat
    visit it asked for: linked to the first (called by dispatch with the ticket locked)."""
    followup = pending_followup(order.ticket)
    if followup is not None:
        second_dispatch_link(actor=actor, now=now, order=order, followup=followup)


def waiting_second_dispatches(ticket_ids: list[int]) -> dict[int, RepeatOf]:
    """D12: which of these tickets wait for the second dispatch an unresolved follow-up asked
    for (their region's providers were full then), in one query."""
    waiting = FollowUp.objects.filter(
        ticket_id__in=ticket_ids, state=FollowUpState.UNRESOLVED, second_dispatch__isnull=True
    ).values_list("ticket_id", "pk", "work_order_id", "score", "reason")
    return {
        ticket_id: RepeatOf(WorkOrder(pk=order_id).number, FollowUp(pk=pk).number, score, reason)
        for ticket_id, pk, order_id, score, reason in waiting
    }


def pending_followup(ticket: Ticket) -> FollowUp | None:
    """The unresolved follow-up of the ticket still waiting for its second dispatch, locked."""
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("work_order")
        .filter(ticket=ticket, state=FollowUpState.UNRESOLVED, second_dispatch__isnull=True)
        .order_by("-done_at", "-id")
        .first()
    )


def second_dispatch_link(
    *, actor: User, now: datetime, order: WorkOrder, followup: FollowUp
) -> None:
    """Link a new order to the first one the follow-up found unresolved, in the caller's
    transaction; the customer is told a technician goes back."""
    first = followup.work_order
    order.second_dispatch_of = first
    order.ticket_copy = order.ticket_copy | {
        "repeat_of": {
            "work_order": first.number,
            "work_done": first.work_done,
            "followup": followup.number,
            "score": followup.score,
            "reason": followup.reason,
        }
    }
    order.save(update_fields=["second_dispatch_of", "ticket_copy"])
    FollowUp.objects.filter(pk=followup.pk).update(second_dispatch=order)
    followup.second_dispatch = order
    event_append(
        actor=actor,
        now=now,
        entity=DispatchEntity.WORK_ORDER,
        entity_id=order.pk,
        action=WorkOrderAction.SECOND_DISPATCH,
        rule="D12",
        new={"second_dispatch_of": first.pk, "followup": followup.pk, "ticket": order.ticket_id},
        reason=followup.reason,
    )
    ticket = order.ticket
    notify(
        now=now,
        rule="D12",
        customer=ticket.customer,
        ticket=ticket,
        work_order=order,
        subject=gettext_noop("We are sending a technician again for %(ticket)s"),
        body=gettext_noop(
            "You told us the problem is not resolved. Work order %(number)s has been sent to "
            "%(provider)s; they will contact you to agree a visit."
        ),
        params={"ticket": ticket.number, "number": order.number, "provider": order.provider.name},
    )
