"""Helpers shared by the dispatch services: locking, the E6 seal check, the ticket copy (E1)."""

from datetime import datetime
from typing import Any

from django.db.models import Q

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.payload import iso
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.dispatch.choices import OPEN_ORDER_STATES
from hotline.dispatch.models import OPEN_STATE_VALUES, WorkOrder
from hotline.notices.services import notify
from hotline.tickets.models import Ticket


def open_orders_filter(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": OPEN_STATE_VALUES})


def lock_order(order_id: int) -> WorkOrder:
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("ticket__customer", "provider")
        .get(pk=order_id)
    )


def check_not_signed(order: WorkOrder) -> None:
    """E6: a signed order is sealed; nothing about it changes any more."""
    if order.signed_at is not None:
        raise PolicyRefusal(
            "E6",
            gettext_noop("Work order %(number)s is signed and can no longer be changed."),
            {"number": order.number},
        )


def check_open(order: WorkOrder, rule: str) -> None:
    check_not_signed(order)
    if order.state not in OPEN_ORDER_STATES:
        raise PolicyRefusal(
            rule,
            gettext_noop("Work order %(number)s is already %(state)s."),
            {"number": order.number, "state": order.get_state_display()},
        )


def lock_own_order(actor: User, order_id: int) -> WorkOrder:
    """A provider acts only on its own orders; any other order does not exist for it (no leak)."""
    if actor.role != Role.PROVIDER or actor.provider_id is None:
        raise WorkOrder.DoesNotExist
    order = lock_order(order_id)
    if order.provider_id != actor.provider_id:
        raise WorkOrder.DoesNotExist
    return order


def ticket_copy(ticket: Ticket) -> dict[str, Any]:
    """E1: everything the technician needs, because they know only what the order says."""
    site, equipment, category = ticket.site, ticket.equipment, ticket.category
    customer = ticket.customer
    return {
        "ticket": {"id": ticket.pk, "number": ticket.number, "kind": ticket.kind},
        "created_at": iso(ticket.created_at),
        "priority": ticket.priority,
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "phone": customer.phone,
            "email": customer.email,
            "language": customer.language,
            "time_zone": customer.time_zone,
        },
        "site": site
        and {
            "id": site.pk,
            "address": site.address,
            "region": site.region.name,
            "zone": site.zone,
            "business_premises": site.business_premises,
        },
        "equipment": equipment
        and {
            "id": equipment.pk,
            "kind": equipment.kind,
            "model": equipment.model,
            "serial": equipment.serial,
            "installed_on": equipment.installed_on and equipment.installed_on.isoformat(),
        },
        "category": category
        and {"code": category.code, "name": category.name, "steps": category.steps},
        "symptom": ticket.symptom,
        "steps_tried": ticket.steps_tried,
        "script_answers": ticket.script_answers,
        "contact": {"name": ticket.contact_name, "phone": ticket.contact_phone},
        "window": {"start": iso(ticket.window_start), "end": iso(ticket.window_end)},
        # D6: a window past the response limit because the customer chose a later date: why,
        # who recorded it and when (the provider must not read it as the centre's delay).
        "later_date": ticket.later_date_reason
        and {
            "reason": ticket.later_date_reason,
            "by": str(ticket.later_date_by) if ticket.later_date_by else "",
            "at": iso(ticket.later_date_at),
        },
        "promises": {
            "response_due": iso(ticket.response_due),
            "resolution_due": iso(ticket.resolution_due),
            "booked_for": ticket.booked_for and ticket.booked_for.isoformat(),
        },
        "special_request": ticket.special_request,
        "options_offered": ticket.options_offered,
        "option_chosen": ticket.option_chosen,
        "read_back_text": ticket.read_back_text,
        "read_back_at": iso(ticket.read_back_at),
    }


def notify_provider(
    *, now: datetime, order: WorkOrder, rule: str, subject: str, body: str, **params: object
) -> None:
    """Through the channel the order went by (D3): phone and fax are logged by hand."""
    notify(
        now=now,
        rule=rule,
        provider=order.provider,
        work_order=order,
        ticket=order.ticket,
        channel=order.channel,
        subject=subject,
        body=body,
        params={"number": order.number, "ticket": order.ticket.number, **params},
    )


def notify_customer(
    *, now: datetime, order: WorkOrder, rule: str, subject: str, body: str, **params: object
) -> None:
    notify(
        now=now,
        rule=rule,
        customer=order.ticket.customer,
        ticket=order.ticket,
        work_order=order,
        subject=subject,
        body=body,
        params={"number": order.number, "ticket": order.ticket.number, **params},
    )
