"""C6 / D12: a second dispatch (repeat visit) after an unresolved follow-up, linked to the first.

Whoever sends it (the follow-up's record at once, or the dispatcher from the board when the
region's providers were full then), the order is linked here: E1, the technician knows only
what the order says, so it says why they go back.
"""

from datetime import datetime

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.dispatch.models import WorkOrder
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.notices.services import notify
from hotline.tickets.models import Ticket


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
