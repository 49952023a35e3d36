"""Report test data: orders, tickets and events written straight with the ORM at fixed times,
so every expected figure can be counted by hand from the test itself."""

from datetime import datetime, timedelta
from typing import Any

from hotline.audit.models import Event
from hotline.directory.models import CustomerSite, Provider
from hotline.dispatch.models import WorkOrder
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import FaultCategory, Ticket


def providers() -> list[Provider]:
    return list(Provider.objects.order_by("id"))


def ticket(owner: Any, created_at: datetime, kind: str = TicketKind.REPAIR, **extra: Any) -> Ticket:
    site = CustomerSite.objects.order_by("id").first()
    assert site is not None
    facts: dict[str, Any] = {
        "kind": kind,
        "state": TicketState.DISPATCHED,
        "customer": site.customer,
        "site": site,
        "owner": owner,
        "created_at": created_at,
        "symptom": "Does not start",
    }
    return Ticket.objects.create(**(facts | extra))


def order(
    provider: Provider,
    dispatched_at: datetime,
    owner: Any,
    *,
    kind: str = TicketKind.REPAIR,
    response_due: datetime | None = None,
    completed_at: datetime | None = None,
    second_of: WorkOrder | None = None,
    for_ticket: Ticket | None = None,
) -> WorkOrder:
    case = for_ticket or ticket(owner, dispatched_at - timedelta(minutes=5), kind)
    assert case.site is not None
    return WorkOrder.objects.create(
        ticket=case,
        provider=provider,
        region=case.site.region,
        zone=case.site.zone,
        channel="portal",
        ticket_copy={},
        dispatched_at=dispatched_at,
        dispatched_by=owner,
        contact_due=dispatched_at + timedelta(hours=2),
        status_due=dispatched_at + timedelta(hours=4),
        response_due=response_due or dispatched_at + timedelta(hours=24),
        completed_at=completed_at,
        second_dispatch_of=second_of,
    )


def event(at: datetime, entity: str, entity_id: object, action: str, **new: Any) -> Event:
    return Event.objects.create(
        at=at,
        actor_label="system",
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        new=new or None,
    )


def categories() -> list[FaultCategory]:
    return list(FaultCategory.objects.order_by("id"))


def followup(
    work_order: WorkOrder, done_at: datetime | None, *, resolved: bool | None, score: int | None
) -> Any:
    """A follow-up call (C6/D12) as the follow-up service leaves it."""
    from hotline.followup.choices import FollowUpState
    from hotline.followup.models import FollowUp

    state = (
        FollowUpState.DUE
        if resolved is None
        else FollowUpState.RESOLVED
        if resolved
        else FollowUpState.UNRESOLVED
    )
    return FollowUp.objects.create(
        work_order=work_order,
        ticket=work_order.ticket,
        kind=work_order.ticket.kind,
        share=100,
        state=state,
        planned_at=work_order.dispatched_at,
        due_at=work_order.dispatched_at + timedelta(days=3),
        score=score,
        resolved=resolved,
        done_at=done_at,
    )
