"""The cases the tests of several apps start from: a demo site in Sofia, a ticket waiting for
dispatch written with the ORM (not the tickets' services), a work order completed through the
dispatch services. They need the demo centre (the `centre` fixture) in the database."""

from datetime import datetime, timedelta
from typing import Any

from hotline.accounts.models import User
from hotline.directory.choices import Zone
from hotline.directory.models import CustomerSite
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import work_order_complete, work_order_dispatch, work_order_sign
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import FaultCategory, Ticket


def sofia_site(zone: str = Zone.URBAN) -> CustomerSite:
    """The reference centre's first site in Sofia, in `zone`."""
    site = CustomerSite.objects.filter(region__code="sofia").order_by("id").first()
    assert site is not None, "the reference centre has a site in Sofia"
    if site.zone != zone:
        site.zone = zone
        site.save(update_fields=["zone"])
    return site


def make_ticket(
    owner: User,
    created_at: datetime,
    *,
    site: CustomerSite | None = None,
    state: str = TicketState.TO_DISPATCH,
    kind: str = TicketKind.REPAIR,
    **extra: Any,  # more of the ticket's fields, as Ticket.objects.create takes them
) -> Ticket:
    """A ticket of `owner`'s, waiting for dispatch (or in `state`), written with the ORM."""
    site = site or sofia_site()
    equipment = site.equipment.first()
    return Ticket.objects.create(
        kind=kind,
        state=state,
        customer=site.customer,
        site=site,
        equipment=equipment,
        category=FaultCategory.objects.order_by("id").first(),
        owner=owner,
        created_at=created_at,
        symptom="Drum does not turn, error E21 on the display",
        steps_tried="Unplugged for ten minutes",
        script_answers=[{"step": "Check the power", "answer": "ok"}],
        contact_name="Maria",
        contact_phone="+359 88 123 4567",
        window_start=created_at,
        window_end=created_at.replace(hour=15),
        read_back_text="Washing machine, drum does not turn, visit today",
        read_back_at=created_at,
        **extra,
    )


def completed_order(
    centre: dict[str, Any],
    at: datetime,
    *,
    kind: str = TicketKind.REPAIR,
    signed: bool = True,
    **extra: Any,  # more of the ticket's fields, for make_ticket
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
