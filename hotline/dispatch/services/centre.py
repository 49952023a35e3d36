"""What the centre does to keep providers moving: urges (D5), chases (D8), daily clearing (D7)."""

from datetime import datetime

from django.db import transaction
from django.utils.functional import lazy

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.services import deadline_meet, deadline_set
from hotline.dispatch.choices import UrgeReason
from hotline.dispatch.events import ClearingAction, DispatchEntity, LeftoversAction, WorkOrderAction
from hotline.dispatch.models import Urge, WorkOrder
from hotline.dispatch.selectors import leftover_orders
from hotline.dispatch.services.common import (
    check_open,
    lock_order,
    notify_provider,
    open_orders_filter,
)
from hotline.notices.services import notify
from hotline.rulebook.selectors import centre_calendar, current_rulebook
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Chase, Ticket
from hotline.tickets.selectors import tickets_for

URGE_RULES = {
    UrgeReason.D4_MISSED: "D4",
    UrgeReason.NO_FEEDBACK: "D5",
    UrgeReason.DAILY_CLEARING: "D7",
    UrgeReason.CUSTOMER_CHASE: "D8",
    UrgeReason.LATE: "D6",
}


def work_order_urge(
    *, actor: User | None, now: datetime, order_id: int, reason: str = UrgeReason.NO_FEEDBACK
) -> Urge:
    """Urge the provider and record when (D5 / D7 / D8)."""
    if reason not in UrgeReason.values:
        raise PolicyRefusal("D5", gettext_noop("Choose why the provider is urged."))
    with transaction.atomic():
        order = lock_order(order_id)
        check_open(order, URGE_RULES[UrgeReason(reason)])
        return urge_locked(actor=actor, now=now, order=order, reason=UrgeReason(reason))


def urge_locked(*, actor: User | None, now: datetime, order: WorkOrder, reason: UrgeReason) -> Urge:
    """The urge itself, for callers that already hold the order's lock (handlers, clearing)."""
    rule = URGE_RULES[reason]
    urge = Urge.objects.create(
        work_order=order, reason=reason, at=now, by=actor, channel=order.channel
    )
    event_append(
        actor=actor,
        now=now,
        entity=DispatchEntity.WORK_ORDER,
        entity_id=order.pk,
        action=WorkOrderAction.URGED,
        rule=rule,
        new={"reason": reason},
    )
    notify_provider(
        now=now,
        order=order,
        rule=rule,
        subject=gettext_noop("Reminder: work order %(number)s"),
        body=gettext_noop("The centre asks for news of work order %(number)s: %(reason)s."),
        reason=reason.label,
    )
    return urge


def chase_record(*, actor: User, now: datetime, ticket: Ticket, note: str = "") -> Chase:
    """D8: the customer chased; urge the provider, promise a reply, record the time."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        reply_by = now + current_rulebook().duration("d8.reply_within")
        chase = Chase.objects.create(
            ticket=ticket, at=now, by=actor, note=note, reply_promised_by=reply_by
        )
        order_id = (
            WorkOrder.objects.filter(open_orders_filter(), ticket=ticket)
            .order_by("-dispatched_at", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        if order_id is not None:
            urge_locked(
                actor=actor, now=now, order=lock_order(order_id), reason=UrgeReason.CUSTOMER_CHASE
            )
        deadline_set(kind="d8.reply", rule="D8", due_at=reply_by, now=now, ticket=ticket)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.CHASED,
            new={"reply_promised_by": reply_by.isoformat(), "order": order_id},
            reason=note,
            rule="D8",
        )
    return chase


def chase_reply(*, actor: User, now: datetime, chase_id: int, note: str = "") -> Chase:
    """D8: the promised reply was given to the customer: recorded, and its alert called off."""
    if not note.strip():
        raise PolicyRefusal("D8", gettext_noop("Write what the customer was told."))
    with transaction.atomic():
        # Only a chase on a case the actor may open: another's answers "does not exist" (404).
        chase = (
            Chase.objects.select_for_update()
            .select_related("ticket", "by")
            .get(pk=chase_id, ticket__in=tickets_for(actor).values("pk"))
        )
        if actor.role == Role.AGENT and chase.by_id != actor.pk:
            # B10: the agent who promised the reply gives it (or a team lead, a dispatcher).
            raise PolicyRefusal(
                "B10",
                gettext_noop("%(agent)s promised this reply: they or a team lead give it."),
                {"agent": str(chase.by)},
            )
        if chase.replied_at is not None:
            raise PolicyRefusal("D8", gettext_noop("This chase has already been answered."))
        chase.replied_at = now
        chase.save(update_fields=["replied_at"])
        if not Chase.objects.filter(ticket=chase.ticket, replied_at__isnull=True).exists():
            deadline_meet(kind="d8.reply", now=now, ticket=chase.ticket)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=chase.ticket_id,
            action=TicketAction.CHASE_REPLIED,
            old={"reply_promised_by": chase.reply_promised_by.isoformat()},
            new={"replied_at": now.isoformat()},
            reason=note,
            rule="D8",
        )
    return chase


def dispatch_tick(*, now: datetime) -> None:
    """The worker's periodic call: D7's clearing at close and the leftovers list at opening."""
    daily_clearing(now=now)
    morning_followup(now=now)


def daily_clearing(*, now: datetime) -> int:
    """D7: at clearing time urge every unfinished order and send each team lead the day's list.

    Runs once a working day (an event marks the day); returns how many orders were urged, or 0
    when it is not time yet or it already ran.
    """
    rules = current_rulebook()
    calendar = centre_calendar(rules)
    local = now.astimezone(calendar.tz())
    if not calendar.is_working_day(local.date()) or local.time() < rules.clock("d7.clearing_at"):
        return 0
    day = local.date().isoformat()
    with transaction.atomic():
        if Event.objects.filter(entity=DispatchEntity.DAILY_CLEARING, entity_id=day).exists():
            return 0
        orders = list(
            WorkOrder.objects.select_for_update(of=("self",))
            .select_related("ticket", "provider")
            .filter(open_orders_filter())
            .order_by("dispatched_at", "id")
        )
        for order in orders:
            urge_locked(actor=None, now=now, order=order, reason=UrgeReason.DAILY_CLEARING)
        _send_day_list(now, orders)
        event_append(
            actor=None,
            now=now,
            entity=DispatchEntity.DAILY_CLEARING,
            entity_id=day,
            action=ClearingAction.CLEARED,
            new={"urged": len(orders)},
            rule="D7",
        )
    return len(orders)


def morning_followup(*, now: datetime) -> int:
    """D7: once the centre opens on a working day, the team leads get the leftovers (orders
    still open from before today's opening) to follow up first; the board lists them too.

    Runs once a working day (an event marks the day); returns how many orders were listed.
    """
    rules = current_rulebook()
    calendar = centre_calendar(rules)
    local = now.astimezone(calendar.tz())
    if not calendar.is_working_day(local.date()) or local.time() < rules.clock("d1.opens"):
        return 0
    day = local.date().isoformat()
    with transaction.atomic():
        if Event.objects.filter(entity=DispatchEntity.MORNING_LEFTOVERS, entity_id=day).exists():
            return 0
        orders = list(leftover_orders(now))
        if orders:
            _send_list(
                now,
                orders,
                subject=gettext_noop("Leftovers to follow up this morning: %(count)s"),
                body=gettext_noop("Still open from before today:\n%(orders)s"),
            )
        event_append(
            actor=None,
            now=now,
            entity=DispatchEntity.MORNING_LEFTOVERS,
            entity_id=day,
            action=LeftoversAction.LISTED,
            new={"leftovers": [o.pk for o in orders]},
            rule="D7",
        )
    return len(orders)


def _send_day_list(now: datetime, orders: list[WorkOrder]) -> None:
    _send_list(
        now,
        orders,
        subject=gettext_noop("Unfinished work orders at close: %(count)s"),
        body=gettext_noop("Urged today before close:\n%(orders)s"),
    )


def _send_list(now: datetime, orders: list[WorkOrder], *, subject: str, body: str) -> None:
    def listed() -> str:
        return "\n".join(
            f"{o.number} {o.ticket.number} {o.provider.name} {o.get_state_display()}"
            for o in orders
        )

    lines = lazy(listed, str)()  # written for each team lead in their language (notify)
    for lead in User.objects.filter(role=Role.TEAM_LEAD, is_active=True):
        notify(
            now=now,
            rule="D7",
            user=lead,
            subject=subject,
            body=body,
            params={"count": len(orders), "orders": lines if orders else "-"},
        )
