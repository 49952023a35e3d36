"""The customer's cases (C2, C3, C5) and the E5 record over HTTP.

A case of another customer answers 404, exactly like one that does not exist. The record is a
POST: each request is an event and the team leads are told.
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.directory.models import Customer
from hotline.paging import PageNumber
from hotline.portal.selectors import CaseRow, portal_case, portal_customer
from hotline.portal.selectors import portal_cases as cases_select
from hotline.portal.services import (
    CONTENT_TYPES,
    record_csv,
    record_pdf,
    record_request,
)

router = Router(tags=["customer portal"])


class DelayOut(Schema):
    work_order: str
    at: datetime
    reason: str
    reason_label: str
    new_time: datetime | None
    text: str


class CaseOrderOut(Schema):
    id: int
    number: str
    state: str
    provider: str
    visit_start: datetime | None
    visit_end: datetime | None
    completed_at: datetime | None
    signed_at: datetime | None
    second_dispatch_of_id: int | None
    service_report: str | None


class CaseOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    state_label: str
    created_at: datetime
    response_due: datetime | None
    resolution_due: datetime | None
    solved_at: datetime | None
    work_orders: list[CaseOrderOut]
    delays: list[DelayOut]


class CasesOut(Schema):
    page: int
    has_next: bool
    cases: list[CaseOut]


class RecordFormatIn(Schema):
    format: Literal["json", "csv", "pdf"] = "json"


def _case(row: CaseRow) -> dict[str, Any]:
    t = row.ticket
    numbers = {o.pk: o.number for o in row.orders}
    return {
        "id": t.pk,
        "number": t.number,
        "kind": t.kind,
        "state": t.state,
        "state_label": t.get_state_display(),
        "created_at": t.created_at,
        "response_due": t.response_due,
        "resolution_due": t.resolution_due,
        "solved_at": t.solved_at,
        "work_orders": [
            {
                "id": o.pk,
                "number": o.number,
                "state": o.state,
                "provider": o.provider.name,
                "visit_start": o.visit_start,
                "visit_end": o.visit_end,
                "completed_at": o.completed_at,
                "signed_at": o.signed_at,
                "second_dispatch_of_id": o.second_dispatch_of_id,
                "service_report": reverse("dispatch:report", args=[o.pk]) if o.signed_at else None,
            }
            for o in row.orders
        ],
        "delays": [
            {
                "work_order": numbers[d.work_order_id],
                "at": d.at,
                "reason": d.delay_reason,
                "reason_label": d.get_delay_reason_display(),
                "new_time": d.new_time,
                "text": d.text,
            }
            for d in row.delays
        ],
    }


@router.get("/cases", response=CasesOut, summary="My cases: state, promises, delays, reports")
def portal_cases(request: HttpRequest, page: PageNumber = 1) -> dict[str, Any]:
    rows, has_next = cases_select(signed_in(request), page)
    return {"page": page, "has_next": has_next, "cases": [_case(r) for r in rows]}


@router.get("/cases/{ticket_id}", response=CaseOut, summary="One of my cases")
def portal_case_get(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _case(portal_case(signed_in(request), ticket_id))


def _file(user: User, customer: Customer, fmt: str) -> Any:
    record = record_request(actor=user, now=clock.now(), customer=customer, fmt=fmt)
    if fmt == "json":
        return record
    body = record_pdf(record, customer) if fmt == "pdf" else record_csv(record)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="record-C{customer.pk:06d}.{fmt}"'
    return response


@router.post("/record", summary="My complete record (E5): JSON, or a CSV or PDF file")
def record_export(request: HttpRequest, body: RecordFormatIn) -> Any:
    user = signed_in(request)
    return _file(user, portal_customer(user), body.format)


@router.post(
    "/customers/{customer_id}/record",
    summary="A customer's complete record, asked for on their behalf (E5): no role refuses it",
)
def customer_record_export(request: HttpRequest, customer_id: int, body: RecordFormatIn) -> Any:
    return _file(signed_in(request), Customer.objects.get(pk=customer_id), body.format)
