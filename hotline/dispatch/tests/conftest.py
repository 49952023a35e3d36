"""Dispatch test helpers: tickets waiting for dispatch, made with the ORM, not tickets services."""

from datetime import UTC, datetime

import pytest

from hotline.directory.choices import Zone
from hotline.directory.models import CustomerSite
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import FaultCategory, Ticket


def sofia_site(zone: str = Zone.URBAN) -> CustomerSite:
    site = CustomerSite.objects.filter(region__code="sofia").order_by("id").first()
    assert site is not None
    if site.zone != zone:
        site.zone = zone
        site.save(update_fields=["zone"])
    return site


def make_ticket(
    owner,  # type: ignore[no-untyped-def]
    created_at: datetime,
    *,
    site: CustomerSite | None = None,
    state: str = TicketState.TO_DISPATCH,
    kind: str = TicketKind.REPAIR,
    **extra: object,
) -> Ticket:
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


@pytest.fixture
def ticket(centre, now) -> Ticket:  # type: ignore[no-untyped-def]
    return make_ticket(centre["agent1"], now)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
