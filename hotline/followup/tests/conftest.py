"""Follow-up test helpers: work orders completed through the dispatch services."""

from datetime import datetime, timedelta

from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import work_order_complete, work_order_dispatch, work_order_sign
from hotline.dispatch.tests.conftest import make_ticket
from hotline.tickets.choices import TicketKind


def completed_order(
    centre,  # type: ignore[no-untyped-def]
    at: datetime,
    *,
    kind: str = TicketKind.REPAIR,
    signed: bool = True,
    **extra: object,
) -> WorkOrder:
    """A ticket dispatched an hour before `at` to TechServ Sofia, completed (and signed) at `at`."""
    ticket = make_ticket(centre["agent1"], at - timedelta(hours=1), kind=kind, **extra)
    order = work_order_dispatch(
        actor=centre["dispatcher"], now=at - timedelta(minutes=50), ticket=ticket
    )
    desk = centre["provider1"]
    assert order.provider_id == desk.provider_id
    work_order_complete(actor=desk, now=at, order_id=order.pk, work_done="Replaced the pump")
    if signed:
        work_order_sign(
            actor=desk, now=at + timedelta(minutes=5), order_id=order.pk, signer_name="Maria"
        )
    order.refresh_from_db()
    return order
