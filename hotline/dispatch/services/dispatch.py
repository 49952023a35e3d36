"""D3 / E1 / D4 / D6: a dispatcher turns a ticket into a work order for a provider."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from hotline.accounts.models import User
from hotline.audit.services import event_append
from hotline.core.calendar import BusinessCalendar
from hotline.core.cases import check_provider, choose_provider
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Rulebook
from hotline.deadlines.services import deadline_meet, deadline_set
from hotline.directory.choices import Channel
from hotline.directory.models import Provider
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.selectors import provider_loads
from hotline.dispatch.services.common import notify_provider, ticket_copy
from hotline.rulebook.selectors import centre_calendar, current_rulebook
from hotline.tickets.choices import FIELD_KINDS, TicketState
from hotline.tickets.models import Ticket

# D12: a new order may be the repeat visit an unresolved follow-up asked for; follow-up, an app
# above dispatch, registers here in its AppConfig.ready() to link it, so dispatch imports none
# of it. Without a listener an order is just an order.
DispatchListener = Callable[[User, datetime, WorkOrder], None]
_dispatch_listeners: list[DispatchListener] = []


def on_order_dispatched(listener: DispatchListener) -> None:
    """Call `listener(actor, now, order)` with every new work order, inside the transaction
    that creates it with its ticket locked (what it writes lands with the order, or not at all),
    before the order's clocks start and the provider is told."""
    if listener not in _dispatch_listeners:
        _dispatch_listeners.append(listener)


def work_order_dispatch(
    *,
    actor: User,
    now: datetime,
    ticket: Ticket,
    provider: Provider | None = None,
    channel: str | None = None,
) -> WorkOrder:
    """Dispatch to the suggested provider of the region, or to the dispatcher's choice (D3)."""
    if channel is not None and channel not in Channel.values:
        raise PolicyRefusal("D3", gettext_noop("Choose how the order is sent to the provider."))
    with transaction.atomic():
        ticket = _lock_ticket(ticket.pk)
        region = ticket.site.region  # type: ignore[union-attr]  # checked in _lock_ticket
        region_ids = list(region.providers.values_list("pk", flat=True))
        chosen_id = (
            provider.pk if provider else choose_provider(provider_loads(region_ids)).provider_id
        )
        # Lock the provider, then count again: two dispatchers can't both take its last slot.
        locked = Provider.objects.select_for_update().get(pk=chosen_id)
        check_provider(provider_loads([locked.pk])[0], region_ids)
        order = _create_order(actor, now, ticket, locked, channel or locked.channel)
        for listener in _dispatch_listeners:  # D12: follow-up links a repeat visit
            listener(actor, now, order)
        _start_clocks(now, order)
    return order


def _lock_ticket(ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "site__region", "equipment", "category")
        .get(pk=ticket_id)
    )
    if ticket.state != TicketState.TO_DISPATCH:
        raise PolicyRefusal(
            "E2" if ticket.state in (TicketState.OPEN, TicketState.READ_BACK) else "E3",
            gettext_noop("Ticket %(number)s is not waiting for dispatch (it is: %(state)s)."),
            {"number": ticket.number, "state": ticket.get_state_display()},
        )
    if ticket.kind not in FIELD_KINDS:
        raise PolicyRefusal(
            "E1",
            gettext_noop("Ticket %(number)s is not field work: it does not go to a provider."),
            {"number": ticket.number},
        )
    if ticket.site is None:
        raise PolicyRefusal(
            "E3",
            gettext_noop("Ticket %(number)s has no site to send a technician to."),
            {"number": ticket.number},
        )
    return ticket


def _create_order(
    actor: User, now: datetime, ticket: Ticket, provider: Provider, channel: str
) -> WorkOrder:
    rules = current_rulebook()
    calendar = centre_calendar(rules)
    start = max(now, _booking_start(ticket, calendar))
    site = ticket.site
    assert site is not None
    order = WorkOrder.objects.create(
        ticket=ticket,
        provider=provider,
        region=site.region,
        zone=site.zone,
        state=WorkOrderState.DISPATCHED,
        channel=channel,
        ticket_copy=ticket_copy(ticket),
        dispatched_at=now,
        dispatched_by=actor,
        contact_due=calendar.add_business_time(start, rules.duration("d4.contact_within")),
        status_due=calendar.add_business_time(start, rules.duration("d4.status_within")),
        response_due=response_due(rules, ticket, start),
        sla_due=ticket.response_due,
    )
    old_state = ticket.state
    ticket.state = TicketState.DISPATCHED
    ticket.save(update_fields=["state"])
    event_append(
        actor=actor,
        now=now,
        entity=DispatchEntity.WORK_ORDER,
        entity_id=order.pk,
        action=WorkOrderAction.DISPATCHED,
        rule="D3",
        old={"ticket_state": old_state},
        new={"provider": provider.name, "channel": channel, "ticket": ticket.number},
    )
    return order


def response_due(rules: Rulebook, ticket: Ticket, start: datetime) -> datetime:
    """D6: the provider answers within its zone's limit (per zone and customer where overridden)
    from the start (dispatch, or the opening of the day the request was booked for, D1), in
    calendar hours; unless the customer chose a later date (a visit window ending after that,
    as C2 promised them). The customer's SLA response time is another figure (``sla_due``): it
    never shortens the provider's limit."""
    due = start + zone_limit(rules, ticket)
    if ticket.window_end is not None and ticket.window_end > due:
        due = ticket.window_end
    return due


def zone_limit(rules: Rulebook, ticket: Ticket) -> timedelta:
    """D6: the response limit of the site's zone, per zone and customer where overridden."""
    assert ticket.site is not None
    zone = ticket.site.zone
    return rules.duration(f"d6.{zone}_response", zone=zone, customer=ticket.customer_id)


def _booking_start(ticket: Ticket, calendar: BusinessCalendar) -> datetime:
    """D1: a request booked for a later working day starts counting when that day opens."""
    if ticket.booked_for is None:
        return ticket.created_at
    return calendar.opening_on(ticket.booked_for)


def _start_clocks(now: datetime, order: WorkOrder) -> None:
    ticket = order.ticket
    deadline_meet(kind="d2.work_order", now=now, ticket=ticket)
    for kind, rule, due in (
        ("d4.contact", "D4", order.contact_due),
        ("d4.status", "D4", order.status_due),
        ("d6.response", "D6", order.response_due),
    ):
        deadline_set(kind=kind, rule=rule, due_at=due, now=now, work_order=order)
    notify_provider(
        now=now,
        order=order,
        rule="D3",
        subject=gettext_noop("New work order %(number)s"),
        body=gettext_noop(
            "Work order %(number)s (ticket %(ticket)s) at %(address)s. Contact the customer by "
            "%(contact_due)s; respond by %(response_due)s."
        ),
        address=ticket.site.address if ticket.site else "",
        contact_due=order.contact_due,
        response_due=order.response_due,
    )
