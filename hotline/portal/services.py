"""E5: the customer's complete account, on request, as PDF, JSON or CSV.

Every ticket, work order (with its reports and signature), follow-up, notice and status change
(the event log) on the customer's account, and nothing of anyone else's. No role refuses it: a
request by the customer or by any member of staff on the customer's behalf is served, is an
event, and is seen by a supervisor (every team lead is notified).
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.audit.services import event_append
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.spreadsheet import safe_cell, safe_row
from hotline.directory.models import Customer, CustomerSite, Equipment
from hotline.dispatch.choices import DelayReason, ReportKind, WorkOrderState
from hotline.dispatch.events import DispatchEntity
from hotline.dispatch.models import WorkOrder, WorkOrderReport
from hotline.followup.choices import FollowUpState
from hotline.followup.events import FollowUpEntity
from hotline.followup.models import FollowUp
from hotline.notices.models import Notice
from hotline.notices.services import notify
from hotline.portal.words import actor_kind, actor_name, described
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.events import CustomerAction, TicketsEntity
from hotline.tickets.models import Ticket

FORMATS = ("pdf", "json", "csv")
RECORD_FORMAT = "hotline.customer-record/1"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
}
# The sections of a record, in order; each is a list of flat rows with an "id".
SECTIONS = (
    "customer",
    "sites",
    "equipment",
    "tickets",
    "work_orders",
    "work_order_reports",
    "signatures",
    "followups",
    "notices",
    "events",
)


def record_request(*, actor: User, now: datetime, customer: Customer, fmt: str) -> dict[str, Any]:
    """E5: serve the record, as an event, and tell the supervisors. Returns the record."""
    if fmt not in FORMATS:
        raise PolicyRefusal(
            "E5",
            gettext_noop("Choose the record as PDF, JSON or CSV."),
        )
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.CUSTOMER,
            entity_id=customer.pk,
            action=CustomerAction.RECORD_REQUESTED,
            new={"format": fmt, "by_role": actor.role, "on_behalf": actor.role != Role.CUSTOMER},
            rule="E5",
        )
        for lead in User.objects.filter(role=Role.TEAM_LEAD, is_active=True).order_by("id"):
            notify(
                now=now,
                rule="E5",
                user=lead,
                subject=gettext_noop("Complete record requested for %(customer)s"),
                body=gettext_noop(
                    "%(who)s asked for the complete record of %(customer)s's account "
                    "(%(format)s). It was provided."
                ),
                params={
                    "customer": customer.name,
                    "who": actor.get_full_name() or actor.get_username(),
                    "format": fmt.upper(),
                },
            )
        return customer_record(customer, now=now)


# --- the record ---------------------------------------------------------------------------------


def customer_record(customer: Customer, *, now: datetime) -> dict[str, Any]:
    """Everything on the account, as plain JSON-ready data, oldest first in each section."""
    sites = list(CustomerSite.objects.filter(customer=customer).select_related("region"))
    equipment = list(Equipment.objects.filter(site__customer=customer))
    tickets = list(
        Ticket.objects.filter(customer=customer).select_related("category", "owner", "contract")
    )
    orders = list(WorkOrder.objects.filter(ticket__customer=customer).select_related("provider"))
    reports = list(WorkOrderReport.objects.filter(work_order__ticket__customer=customer))
    followups = list(FollowUp.objects.filter(ticket__customer=customer))
    notices = list(Notice.objects.filter(customer=customer))
    ids = {
        TicketsEntity.TICKET: [t.pk for t in tickets],
        DispatchEntity.WORK_ORDER: [o.pk for o in orders],
        FollowUpEntity.FOLLOWUP: [f.pk for f in followups],
        TicketsEntity.CUSTOMER: [customer.pk],
    }
    match = Q(pk__in=[])
    for entity, pks in ids.items():
        if pks:
            match |= Q(entity=entity, entity_id__in=[str(pk) for pk in pks])
    events = list(
        Event.objects.filter(match).select_related("actor__provider").order_by("at", "id")
    )
    return {
        "format": RECORD_FORMAT,
        "generated_at": _value(now),
        "customer": [
            {
                "id": customer.pk,
                "name": customer.name,
                "phone": customer.phone,
                "email": customer.email,
                "language": customer.language,
                "time_zone": customer.time_zone,
            }
        ],
        "sites": [_site(s) for s in sorted(sites, key=_by_id)],
        "equipment": [_equipment(e) for e in sorted(equipment, key=_by_id)],
        "tickets": [_ticket(t) for t in sorted(tickets, key=lambda t: (t.created_at, t.pk))],
        "work_orders": [_order(o) for o in sorted(orders, key=lambda o: (o.dispatched_at, o.pk))],
        "work_order_reports": [_report(r) for r in sorted(reports, key=lambda r: (r.at, r.pk))],
        "signatures": [
            _signature(o)
            for o in sorted(orders, key=lambda o: (o.dispatched_at, o.pk))
            if o.signed_at is not None
        ],
        "followups": [_followup(f) for f in sorted(followups, key=_by_id) if f.state != "skipped"],
        "notices": [_notice(n) for n in sorted(notices, key=lambda n: (n.created_at, n.pk))],
        "events": [_event(e, customer) for e in events],
    }


def _by_id(row: Any) -> int:
    return int(row.pk)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fields(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _value(getattr(obj, name)) for name in names}


def _site(site: CustomerSite) -> dict[str, Any]:
    return _fields(site, ("id", "address", "zone", "business_premises")) | {
        "region": site.region.name
    }


def _equipment(item: Equipment) -> dict[str, Any]:
    return _fields(item, ("id", "site_id", "kind", "model", "serial", "installed_on"))


TICKET_FIELDS = (
    "id",
    "number",
    "kind",
    "state",
    "created_at",
    "site_id",
    "equipment_id",
    "updates_id",
    "priority",
    "symptom",
    "steps_tried",
    "script_answers",
    "contact_name",
    "contact_phone",
    "window_start",
    "window_end",
    "response_due",
    "resolution_due",
    "booked_for",
    "special_request",
    "options_offered",
    "option_chosen",
    "read_back_text",
    "read_back_at",
    "bounce_reason",
    "resolution",
    "solved_at",
)


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return _fields(ticket, TICKET_FIELDS) | {
        "category": ticket.category.name if ticket.category else None,
        "contract": ticket.contract.name if ticket.contract else None,
        "owner": actor_name(ticket.owner),  # a name, or "" (the PDF says "our agent")
    }


ORDER_FIELDS = (
    "id",
    "number",
    "ticket_id",
    "state",
    "zone",
    "channel",
    "second_dispatch_of_id",
    "dispatched_at",
    "contact_due",
    "status_due",
    "response_due",
    "acknowledged_at",
    "contacted_at",
    "visit_start",
    "visit_end",
    "late_at",
    "completed_at",
    "work_done",
    "option_chosen",
    "signed_at",
)


def _order(order: WorkOrder) -> dict[str, Any]:
    return _fields(order, ORDER_FIELDS) | {"provider": order.provider.name}


def _report(report: WorkOrderReport) -> dict[str, Any]:
    return _fields(
        report, ("id", "work_order_id", "kind", "at", "text", "delay_reason", "new_time")
    )


def _signature(order: WorkOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "work_order": order.number,
        "signed_at": _value(order.signed_at),
        "signer_name": order.signer_name,
        "signature_hash": order.signature_hash,
        "signature_image": order.signature_image,
    }


def _followup(followup: FollowUp) -> dict[str, Any]:
    return _fields(
        followup,
        (
            "id",
            "number",
            "work_order_id",
            "ticket_id",
            "kind",
            "state",
            "due_at",
            "score",
            "reason",
            "resolved",
            "done_at",
            "second_dispatch_id",
        ),
    )


def _notice(notice: Notice) -> dict[str, Any]:
    return _fields(
        notice,
        (
            "id",
            "ticket_id",
            "work_order_id",
            "rule",
            "channel",
            "address",
            "language",
            "subject",
            "body",
            "state",
            "created_at",
            "sent_at",
        ),
    )


def _event(event: Event, customer: Customer) -> dict[str, Any]:
    fields = _fields(event, ("id", "at", "entity", "entity_id", "action", "old", "new", "reason"))
    # who, as the customer knows them: never a login of our staff or of a provider's
    return fields | {
        "rule": event.rule,
        "actor": actor_name(event.actor),
        "actor_kind": actor_kind(event.actor, customer.pk),
    }


# --- the files ----------------------------------------------------------------------------------


def record_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode()


def csv_value(value: Any) -> str:
    """A field as one CSV cell: text as is (but never a formula: safe_cell), nothing as empty,
    structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(safe_cell(value))


def record_csv(record: dict[str, Any]) -> bytes:
    """One row per field: section, id, field, value. Every section fits one shape, so the file
    reads back into the same record (tested)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["section", "id", "field", "value"])
    writer.writerow(["record", "", "format", record["format"]])
    writer.writerow(["record", "", "generated_at", record["generated_at"]])
    for section in SECTIONS:
        for row in record[section]:
            for name, value in row.items():
                writer.writerow(safe_row([section, row["id"], name, csv_value(value)]))
    return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheets then read UTF-8 right


def record_html(record: dict[str, Any], customer: Customer) -> str:
    with translation.override(customer.language), timezone.override(customer.time_zone):
        return render_to_string(
            "portal/record.html",
            {
                "record": record,
                "customer": customer,
                "language": customer.language,
                "views": record_views(record),
            },
        )


def record_pdf(record: dict[str, Any], customer: Customer) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy import: only when asked

    pdf = HTML(string=record_html(record, customer)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def record_views(record: dict[str, Any]) -> dict[str, Any]:
    """The record grouped for reading: each ticket with its orders, reports and events."""
    parsed = {
        section: [_labelled(section, _parse_times(row)) for row in record[section]]
        for section in SECTIONS
    }
    by_ticket: dict[int, dict[str, Any]] = {
        t["id"]: {"ticket": t, "orders": [], "events": [], "followups": []}
        for t in parsed["tickets"]
    }
    orders = {o["id"]: o | {"reports": [], "events": []} for o in parsed["work_orders"]}
    for order in orders.values():
        by_ticket[order["ticket_id"]]["orders"].append(order)
    for report in parsed["work_order_reports"]:
        orders[report["work_order_id"]]["reports"].append(report)
    for followup in parsed["followups"]:
        by_ticket[followup["ticket_id"]]["followups"].append(followup)
    others = []
    for event in map(described, parsed["events"]):
        key = int(event["entity_id"])
        if event["entity"] == TicketsEntity.TICKET and key in by_ticket:
            by_ticket[key]["events"].append(event)
        elif event["entity"] == DispatchEntity.WORK_ORDER and key in orders:
            orders[key]["events"].append(event)
        else:
            others.append(event)
    signatures = {s["id"]: s for s in parsed["signatures"]}
    for order in orders.values():
        order["signature"] = signatures.get(order["id"])
    return {
        "generated_at": datetime.fromisoformat(record["generated_at"]),
        "cases": list(by_ticket.values()),
        "other_events": others,
        "notices": parsed["notices"],
        "sites": parsed["sites"],
        "equipment": parsed["equipment"],
        "customer": parsed["customer"][0],
    }


TIME_FIELDS = frozenset(
    {
        "created_at",
        "window_start",
        "window_end",
        "response_due",
        "resolution_due",
        "read_back_at",
        "solved_at",
        "dispatched_at",
        "contact_due",
        "status_due",
        "acknowledged_at",
        "contacted_at",
        "visit_start",
        "visit_end",
        "late_at",
        "completed_at",
        "signed_at",
        "at",
        "new_time",
        "due_at",
        "done_at",
        "sent_at",
    }
)


LABELS: dict[str, dict[str, type[models.TextChoices]]] = {
    "tickets": {"kind": TicketKind, "state": TicketState},
    "work_orders": {"state": WorkOrderState},
    "work_order_reports": {"kind": ReportKind, "delay_reason": DelayReason},
    "followups": {"state": FollowUpState},
}


def _labelled(section: str, row: dict[str, Any]) -> dict[str, Any]:
    """Codes with their labels beside them, in the language the PDF is rendered in."""
    labels = {}
    for name, choices in LABELS.get(section, {}).items():
        code = row.get(name)
        labels[f"{name}_label"] = choices(code).label if code in choices.values else code
    return row | labels


def _parse_times(row: dict[str, Any]) -> dict[str, Any]:
    """Times back to datetimes for the PDF, so they print in the customer's zone and language."""
    return {
        k: datetime.fromisoformat(v) if k in TIME_FIELDS and isinstance(v, str) else v
        for k, v in row.items()
    }
