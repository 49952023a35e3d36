"""What the provider does with its order (D4, C1, C3, B7, C4, D5) and the signature (E6, C5)."""

import base64
import binascii
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse

from hotline.accounts.models import User
from hotline.audit.payload import payload
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.seal import ms_iso, seal_of, seal_payload
from hotline.deadlines.services import deadline_cancel, deadline_meet, deadline_set
from hotline.dispatch.bounds import AHEAD_MAX, SIGNATURE_MAX
from hotline.dispatch.choices import DelayReason, ReportKind, WorkOrderState
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.dispatch.models import WorkOrder, WorkOrderReport
from hotline.dispatch.services.common import (
    check_open,
    lock_own_order,
    notify_customer,
)
from hotline.notices.services import public_link
from hotline.rulebook.selectors import centre_calendar, current_rulebook
from hotline.tickets.choices import ServiceOption, TicketState
from hotline.tickets.models import Ticket

SIGNATURE_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = SIGNATURE_MAX  # a hand-drawn PNG from the pad is a few kB


def work_order_acknowledge(*, actor: User, now: datetime, order_id: int) -> WorkOrder:
    """The provider's desk has seen the order (D4)."""
    with transaction.atomic():
        order = lock_own_order(actor, order_id)
        check_open(order, "D4")
        if order.acknowledged_at is not None:
            raise PolicyRefusal(
                "D4",
                gettext_noop("Work order %(number)s is already acknowledged."),
                {"number": order.number},
            )
        order.acknowledged_at = now
        if order.state == WorkOrderState.DISPATCHED:
            order.state = WorkOrderState.ACKNOWLEDGED
        order.save(update_fields=["acknowledged_at", "state"])
        _report(order, actor, now, ReportKind.ACKNOWLEDGED)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.WORK_ORDER,
            entity_id=order.pk,
            action=WorkOrderAction.ACKNOWLEDGED,
            rule="D4",
        )
    return order


def work_order_contact(
    *, actor: User, now: datetime, order_id: int, visit_start: datetime, visit_end: datetime
) -> WorkOrder:
    """D4: the customer was contacted and a visit agreed (C1); B7 warns before it is missed."""
    _check_window(now, visit_start, visit_end)
    with transaction.atomic():
        order = lock_own_order(actor, order_id)
        check_open(order, "D4")
        old = {"visit_start": order.visit_start, "visit_end": order.visit_end}
        order.contacted_at = order.contacted_at or now
        order.visit_start, order.visit_end = visit_start, visit_end
        order.acknowledged_at = order.acknowledged_at or now
        if order.state in (WorkOrderState.DISPATCHED, WorkOrderState.ACKNOWLEDGED):
            order.state = WorkOrderState.CONTACTED
        order.save(
            update_fields=["contacted_at", "visit_start", "visit_end", "acknowledged_at", "state"]
        )
        _report(order, actor, now, ReportKind.CONTACTED, new_time=visit_start)
        deadline_meet(kind="d4.contact", now=now, work_order=order)
        _set_visit_warning(now, order)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.WORK_ORDER,
            entity_id=order.pk,
            action=WorkOrderAction.CONTACTED,
            rule="D4",
            old=payload(old),
            new=payload({"visit_start": visit_start, "visit_end": visit_end}),
        )
        notify_customer(
            now=now,
            order=order,
            rule="C1",
            subject=gettext_noop("Your visit for %(ticket)s is booked"),
            body=gettext_noop("The technician will come between %(start)s and %(end)s."),
            start=visit_start,
            end=visit_end,
        )
    return order


def work_order_report_status(*, actor: User, now: datetime, order_id: int, text: str) -> WorkOrder:
    """D4: status reported to the centre; D5 urges if nothing follows within the limit."""
    if not text.strip():
        raise PolicyRefusal("D4", gettext_noop("Write what the status is."))
    with transaction.atomic():
        order = lock_own_order(actor, order_id)
        check_open(order, "D4")
        _feedback(order, now)
        if order.state in (WorkOrderState.ACKNOWLEDGED, WorkOrderState.CONTACTED):
            order.state = WorkOrderState.IN_PROGRESS
        order.save(update_fields=["last_report_at", "state"])
        _report(order, actor, now, ReportKind.STATUS, text=text)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.WORK_ORDER,
            entity_id=order.pk,
            action=WorkOrderAction.STATUS,
            rule="D4",
            reason=text,
        )
    return order


def work_order_delay(
    *,
    actor: User,
    now: datetime,
    order_id: int,
    reason: str,
    new_time: datetime | None,
    text: str = "",
) -> WorkOrder:
    """C3: every delay has a reason code and a new time, and the customer is told both."""
    if reason not in DelayReason.values:
        raise PolicyRefusal("C3", gettext_noop("A delay needs a reason code."))
    if new_time is None or new_time <= now:
        raise PolicyRefusal("C3", gettext_noop("A delay needs a new time in the future."))
    _check_ahead(now, new_time, "C3")
    with transaction.atomic():
        order = lock_own_order(actor, order_id)
        check_open(order, "C3")
        old = {"visit_start": order.visit_start, "response_due": order.response_due}
        _move_visit(order, new_time)
        if reason == DelayReason.CUSTOMER and new_time > order.response_due:
            # D6: a later date the customer chose moves the limit; other delays don't.
            order.response_due = new_time
            deadline_set(kind="d6.response", rule="D6", due_at=new_time, now=now, work_order=order)
        _feedback(order, now)
        order.save(update_fields=["visit_start", "visit_end", "response_due", "last_report_at"])
        _report(order, actor, now, ReportKind.DELAY, text=text, reason=reason, new_time=new_time)
        if order.visit_start is not None:
            _set_visit_warning(now, order)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.WORK_ORDER,
            entity_id=order.pk,
            action=WorkOrderAction.DELAYED,
            rule="C3",
            old=payload(old),
            new=payload({"new_time": new_time, "reason": reason}),
            reason=text,
        )
        notify_customer(
            now=now,
            order=order,
            rule="C3",
            subject=gettext_noop("Your repair %(ticket)s is delayed"),
            body=gettext_noop("New time: %(when)s. Reason: %(reason)s. %(text)s"),
            when=new_time,
            reason=DelayReason(reason).label,
            text=text,
        )
    return order


def work_order_complete(
    *, actor: User, now: datetime, order_id: int, work_done: str, option_chosen: str = ""
) -> WorkOrder:
    """D4: completion is reported at once; C4: the customer's choice is recorded."""
    if not work_done.strip():
        raise PolicyRefusal("C5", gettext_noop("Describe the work done."))
    if option_chosen and option_chosen not in ServiceOption.values:
        raise PolicyRefusal("C4", gettext_noop("Choose one of the options offered."))
    with transaction.atomic():
        order = lock_own_order(actor, order_id)
        check_open(order, "D4")
        order.state = WorkOrderState.COMPLETED
        order.completed_at = order.last_report_at = now
        order.work_done, order.option_chosen = work_done, option_chosen
        order.save(
            update_fields=["state", "completed_at", "last_report_at", "work_done", "option_chosen"]
        )
        _report(order, actor, now, ReportKind.COMPLETED, text=work_done)
        for kind in ("d4.contact", "d4.status", "d6.response", "b7.visit_warning"):
            deadline_meet(kind=kind, now=now, work_order=order)
        deadline_cancel(now=now, kind="d5.urge", work_order=order)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.WORK_ORDER,
            entity_id=order.pk,
            action=WorkOrderAction.COMPLETED,
            rule="D4",
            new={"option_chosen": option_chosen},
            reason=work_done,
        )
    return order


def work_order_sign(
    *,
    actor: User,
    now: datetime,
    order_id: int,
    signer_name: str,
    signature_image: str = "",
) -> WorkOrder:
    """E6: signed when the job is done, sealed for good; C5: the customer gets the report."""
    signer_name = signer_name.strip()
    if not signer_name:
        raise PolicyRefusal("E6", gettext_noop("Type the name of the person who signs."))
    if signature_image:
        check_signature_image(signature_image)
    with transaction.atomic():
        # The ticket is solved below: lock it first, the order second, the same order as
        # dispatch and chases take, so two of them never wait on each other.
        Ticket.objects.select_for_update().filter(work_orders__pk=order_id).values("pk").first()
        order = lock_own_order(actor, order_id)
        _check_signable(order)
        order.signer_name, order.signature_image, order.signed_at = (
            signer_name,
            signature_image,
            now,
        )
        order.sealed_payload = seal_payload(
            sealed_content(order), signer_name, now, signature_image
        )
        order.signature_hash = seal_of(order.sealed_payload)
        order.state = WorkOrderState.SIGNED
        order.save(
            update_fields=[
                "signer_name",
                "signature_image",
                "signed_at",
                "signature_hash",
                "sealed_payload",
                "state",
            ]
        )
        _solve_ticket(order, now)
        event_append(
            actor=actor,
            now=now,
            entity=DispatchEntity.WORK_ORDER,
            entity_id=order.pk,
            action=WorkOrderAction.SIGNED,
            rule="E6",
            new={"signer": signer_name, "seal": order.signature_hash},
        )
        notify_customer(
            now=now,
            order=order,
            rule="C5",
            subject=gettext_noop("Service report for %(ticket)s"),
            body=gettext_noop("The work is done and signed. Your service report: %(link)s"),
            link=public_link(reverse("dispatch:report", args=[order.pk])),
        )
    return order


def sealed_content(order: WorkOrder) -> dict[str, object]:
    """E6: what the signature covers; the report shows the seal so any change is visible.

    Times to the millisecond: what a `dumpdata`/`loaddata` copy keeps."""
    return {
        "number": order.number,
        "ticket": order.ticket_copy,
        "provider": order.provider_id,
        "dispatched_at": ms_iso(order.dispatched_at),
        "visit": [ms_iso(order.visit_start), ms_iso(order.visit_end)],
        "work_done": order.work_done,
        "option_chosen": order.option_chosen,
        "completed_at": ms_iso(order.completed_at),
    }


def check_signature_image(image: str) -> None:
    """A PNG data URL from the pad, of sane size: anything else is refused, not stored."""
    refusal = PolicyRefusal("E6", gettext_noop("The signature must be a PNG image from the pad."))
    if not image.startswith(SIGNATURE_PREFIX) or len(image) > MAX_SIGNATURE_BYTES:
        raise refusal
    try:
        raw = base64.b64decode(image[len(SIGNATURE_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise refusal from None
    if not raw.startswith(PNG_MAGIC):
        raise refusal


def _check_signable(order: WorkOrder) -> None:
    if order.signed_at is not None:
        raise PolicyRefusal(
            "E6",
            gettext_noop("Work order %(number)s is already signed."),
            {"number": order.number},
        )
    if order.state != WorkOrderState.COMPLETED:
        raise PolicyRefusal(
            "E6",
            gettext_noop(
                "Work order %(number)s is signed when the job is done: complete it first."
            ),
            {"number": order.number},
        )


def _solve_ticket(order: WorkOrder, now: datetime) -> None:
    ticket = order.ticket
    ticket.state = TicketState.SOLVED
    ticket.solved_at = now
    ticket.resolution = order.work_done
    ticket.save(update_fields=["state", "solved_at", "resolution"])


def _check_window(now: datetime, start: datetime, end: datetime) -> None:
    if end <= start:
        raise PolicyRefusal("C1", gettext_noop("A visit window must end after it starts."))
    if start < now:
        raise PolicyRefusal("C1", gettext_noop("A visit window cannot start in the past."))
    _check_ahead(now, end, "C1")


def _check_ahead(now: datetime, moment: datetime, rule: str) -> None:
    """A visit or a new time is agreed for the coming months: more than a year away is a typing
    slip, and would haunt every report and reminder (a year 9999 window broke them)."""
    if moment - now > AHEAD_MAX:
        raise PolicyRefusal(
            rule,
            gettext_noop("A visit time can be agreed at most %(days)s days ahead."),
            {"days": AHEAD_MAX.days},
        )


def _feedback(order: WorkOrder, now: datetime) -> None:
    """Any report is feedback: it meets D4's status clock and restarts D5's."""
    order.last_report_at = now
    deadline_meet(kind="d4.status", now=now, work_order=order)
    rules = current_rulebook()
    urge_at = centre_calendar(rules).add_business_time(now, rules.duration("d5.urge_after"))
    deadline_set(kind="d5.urge", rule="D5", due_at=urge_at, now=now, work_order=order)


def _move_visit(order: WorkOrder, new_time: datetime) -> None:
    if order.visit_start is None or order.visit_end is None:
        return
    length = order.visit_end - order.visit_start
    order.visit_start, order.visit_end = new_time, new_time + length


def _set_visit_warning(now: datetime, order: WorkOrder) -> None:
    """B7: warn the customer before the visit time passes, if the job isn't done by then."""
    assert order.visit_start is not None
    warn_before: timedelta = current_rulebook().duration("b7.warn_before")
    due = max(now, order.visit_start - warn_before)
    deadline_set(kind="b7.visit_warning", rule="B7", due_at=due, now=now, work_order=order)


def _report(
    order: WorkOrder,
    actor: User,
    now: datetime,
    kind: str,
    *,
    text: str = "",
    reason: str = "",
    new_time: datetime | None = None,
) -> None:
    WorkOrderReport.objects.create(
        work_order=order,
        kind=kind,
        at=now,
        by=actor,
        text=text,
        delay_reason=reason,
        new_time=new_time,
    )
