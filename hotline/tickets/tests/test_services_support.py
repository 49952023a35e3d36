"""Helpers for the tickets service and API tests: demo sites, fixed instants, a ready ticket."""

from datetime import UTC, datetime, timedelta

import pytest

from hotline.accounts.models import User
from hotline.core.refusal import PolicyRefusal
from hotline.directory.choices import Zone
from hotline.directory.models import CustomerSite
from hotline.testing.times import SOFIA
from hotline.tickets import services
from hotline.tickets.choices import TicketKind
from hotline.tickets.models import FaultCategory, Ticket

SYMPTOM = "Drum does not turn, error E21 on the display"


def home_site(zone: str = Zone.URBAN, *, business: bool = False) -> CustomerSite:
    """A site of the demo: a home in Sofia (standard warranty) or business premises (4 h SLA)."""
    found = CustomerSite.objects.filter(business_premises=business)
    if not business:
        found = found.filter(region__code="sofia")
    site = found.order_by("id").first()
    assert site is not None
    if site.zone != zone:
        site.zone = zone
        site.save(update_fields=["zone"])
    return site


def other_site(site: CustomerSite) -> CustomerSite:
    found = CustomerSite.objects.exclude(customer=site.customer).order_by("id").first()
    assert found is not None
    return found


def new_case(
    actor: User,
    now: datetime,
    *,
    kind: str = TicketKind.REPAIR,
    site: CustomerSite | None = None,
    **extra: object,
) -> Ticket:
    site = site or home_site()
    category = FaultCategory.objects.order_by("id").first()
    assert category is not None
    args: dict[str, object] = {
        "site": site,
        "equipment": site.equipment.first(),
        "category": category,
        "script_answers": walked(category),  # E4: the script walked through on the call
        "symptom": SYMPTOM,
        "contact_name": "Maria Ivanova",
        "contact_phone": "+359 88 123 4567",
    }
    args.update(extra)
    return services.ticket_create(
        actor=actor,
        now=now,
        customer=site.customer,
        kind=kind,
        **args,  # type: ignore[arg-type]
    )


def first_category() -> FaultCategory:
    """The demo's first fault category (its script has steps)."""
    category = FaultCategory.objects.order_by("id").first()
    assert category is not None, "the demo has fault categories"
    return category


def walked(category: FaultCategory) -> list[dict[str, object]]:
    """E4: every scripted step of the category done, as the page's ticks send them."""
    return [{"step": step, "done": True, "answer": ""} for step in category.steps]


def complete(ticket: Ticket, actor: User, now: datetime, hours: int = 2) -> Ticket:
    """Every fact a technician needs (E3), with a window from the D1 earliest."""
    ticket = services.ticket_edit(
        actor=actor, now=now, ticket=ticket, steps_tried="Unplugged for ten minutes"
    )
    if ticket.kind in (TicketKind.REPAIR, TicketKind.INSTALLATION, TicketKind.COMMISSIONING):
        start = max(now, ticket.created_at)
        if ticket.booked_for is not None:
            opening = datetime(
                ticket.booked_for.year,
                ticket.booked_for.month,
                ticket.booked_for.day,
                8,
                30,
                tzinfo=SOFIA,
            ).astimezone(UTC)
            start = max(start, opening)
        start += timedelta(hours=hours)
        ticket = services.ticket_set_window(
            actor=actor, now=now, ticket=ticket, start=start, end=start + timedelta(hours=3)
        )
    return ticket


def confirmed(ticket: Ticket, actor: User, now: datetime) -> Ticket:
    ticket = complete(ticket, actor, now)
    ticket = services.ticket_read_back(actor=actor, now=now, ticket=ticket)
    return services.ticket_confirm(actor=actor, now=now, ticket=ticket)


def refused(rule: str, call, *args, **kwargs) -> PolicyRefusal:  # type: ignore[no-untyped-def]
    """`call` is refused by `rule` (the caller then checks that nothing changed)."""
    with pytest.raises(PolicyRefusal) as caught:
        call(*args, **kwargs)
    assert caught.value.rule_id == rule, caught.value
    return caught.value
