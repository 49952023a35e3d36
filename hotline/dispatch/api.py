"""Dispatch and the provider portal over HTTP. Refusals answer 409 {"rule", "detail"}; an order
of another provider answers 404, exactly like one that does not exist."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.bounds import Id, Moment, PathId
from hotline.directory.choices import Channel
from hotline.directory.models import Provider
from hotline.dispatch.bounds import Note, PersonName, SignatureImage
from hotline.dispatch.choices import DelayReason, UrgeReason
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.selectors import dispatch_board as board_select
from hotline.dispatch.selectors import provider_orders as provider_orders_select
from hotline.dispatch.selectors import work_order_for
from hotline.dispatch.services import (
    chase_record as chase_record_service,
)
from hotline.dispatch.services import (
    chase_reply as chase_reply_service,
)
from hotline.dispatch.services import (
    work_order_acknowledge,
    work_order_complete,
    work_order_contact,
    work_order_delay,
    work_order_report_status,
    work_order_sign,
)
from hotline.dispatch.services import (
    work_order_dispatch as dispatch_service,
)
from hotline.dispatch.services import work_order_urge as urge_service
from hotline.dispatch.services.desk import desk_check_record
from hotline.paging import PageNumber
from hotline.tickets.choices import ServiceOption
from hotline.tickets.models import Ticket
from hotline.tickets.selectors import ticket_for

router = Router(tags=["dispatch"])
provider = Router(tags=["provider"])


class OrderOut(Schema):
    id: int
    number: str
    ticket: str
    provider: str
    state: str
    channel: str
    zone: str
    dispatched_at: datetime
    contact_due: datetime
    status_due: datetime
    response_due: datetime = Field(description="D6: the zone's limit the provider answers by")
    late_at: datetime | None = Field(description="D6: when the order went over response_due")
    sla_due: datetime | None = Field(description="The customer's SLA response time (A5, C2)")
    sla_breached: bool = Field(description="Not done by sla_due: the customer's SLA figure")
    visit_start: datetime | None
    visit_end: datetime | None
    completed_at: datetime | None
    signed_at: datetime | None
    signer_name: str
    signature_hash: str


class OrderDetailOut(OrderOut):
    ticket_copy: dict[str, Any]


def _out(order: WorkOrder, detail: bool = False) -> dict[str, Any]:
    computed = ("number", "ticket", "provider", "id", "sla_breached")
    data = {
        field: getattr(order, field) for field in OrderOut.model_fields if field not in computed
    }
    data |= {
        "sla_breached": order.sla_breached(clock.now()),
        "id": order.pk,
        "number": order.number,
        "ticket": order.ticket.number,
        "provider": order.provider.name,
    }
    if detail:
        data["ticket_copy"] = order.ticket_copy
    return data


class BoardRowOut(Schema):
    ticket_id: int
    ticket: str
    customer: str
    created_at: datetime
    region: str | None
    suggested_provider_id: int | None
    suggested_provider: str | None
    second_dispatch_of: str | None = Field(
        description="D12: the first order, when an unresolved follow-up asked for a repeat visit"
    )
    followup_reason: str | None


class ProviderLoadOut(Schema):
    provider_id: int
    name: str
    open_orders: int
    capacity: int


class DeskChecksOut(Schema):
    provider_id: int
    name: str
    today: int = Field(description="D4: checks of the portal's order list today (centre's day)")
    minimum: int
    maximum: int
    short: bool = Field(description="Fewer checks today than the D4 minimum")


class BoardOut(Schema):
    tab: str
    page: int
    has_next: bool
    tickets: list[BoardRowOut]
    orders: list[OrderOut]
    by_provider_zone: list[dict[str, Any]]
    providers: list[ProviderLoadOut]
    desk_checks: list[DeskChecksOut]


@router.get(
    "/board", response=BoardOut, summary="The dispatch board (D3, E3, D6, D7): tabs, 50 a page"
)
def dispatch_board(
    request: HttpRequest,
    tab: Literal["to_dispatch", "bounced", "late", "leftovers", "providers"] = "to_dispatch",
    page: PageNumber = 1,
) -> dict[str, Any]:
    board = board_select(signed_in(request), tab, page, now=clock.now())
    tickets, orders, counts = [], [], []
    if board.tab in ("to_dispatch", "bounced"):
        tickets = [
            {
                "ticket_id": row.ticket.pk,
                "ticket": row.ticket.number,
                "customer": row.ticket.customer.name,
                "created_at": row.ticket.created_at,
                "region": row.ticket.site.region.name if row.ticket.site else None,
                "suggested_provider_id": row.suggested.provider_id if row.suggested else None,
                "suggested_provider": row.suggested.name if row.suggested else None,
                "second_dispatch_of": row.repeat_of.order_number if row.repeat_of else None,
                "followup_reason": row.repeat_of.reason if row.repeat_of else None,
            }
            for row in board.rows
        ]
    elif board.tab in ("late", "leftovers"):
        orders = [_out(order) for order in board.rows]
    else:
        counts = board.rows
    return {
        "tab": board.tab,
        "page": board.page,
        "has_next": board.has_next,
        "tickets": tickets,
        "orders": orders,
        "by_provider_zone": counts,
        "providers": [vars(load) for load in board.providers],
        "desk_checks": [vars(row) | {"short": row.short} for row in board.desk_checks],
    }


class DispatchIn(Schema):
    ticket_id: Id
    provider_id: Id | None = None
    channel: Channel | None = None


@router.post("/orders", response={201: OrderDetailOut}, summary="Dispatch a ticket (D3, E1)")
def work_order_dispatch(request: HttpRequest, body: DispatchIn) -> Status[dict[str, Any]]:
    ticket = Ticket.objects.get(pk=body.ticket_id)
    chosen = Provider.objects.get(pk=body.provider_id) if body.provider_id else None
    order = dispatch_service(
        actor=signed_in(request),
        now=clock.now(),
        ticket=ticket,
        provider=chosen,
        channel=body.channel.value if body.channel else None,
    )
    return Status(201, _out(order, detail=True))


@router.get("/orders/{order_id}", response=OrderDetailOut, summary="A work order with its ticket")
def work_order_get(request: HttpRequest, order_id: PathId) -> dict[str, Any]:
    return _out(work_order_for(signed_in(request), order_id), detail=True)


class UrgeIn(Schema):
    reason: UrgeReason = UrgeReason.NO_FEEDBACK


class UrgeOut(Schema):
    id: int
    reason: str
    at: datetime
    channel: str


@router.post("/orders/{order_id}/urge", response=UrgeOut, summary="Urge the provider (D5)")
def work_order_urge(request: HttpRequest, order_id: PathId, body: UrgeIn) -> dict[str, Any]:
    user = signed_in(request)
    work_order_for(user, order_id)
    urge = urge_service(actor=user, now=clock.now(), order_id=order_id, reason=body.reason.value)
    return {"id": urge.pk, "reason": urge.reason, "at": urge.at, "channel": urge.channel}


class ChaseIn(Schema):
    ticket_id: Id
    note: Note = ""


class ChaseOut(Schema):
    id: int
    at: datetime
    reply_promised_by: datetime


@router.post("/chases", response={201: ChaseOut}, summary="The customer chased (D8)")
def chase_record(request: HttpRequest, body: ChaseIn) -> Status[dict[str, Any]]:
    # A case the user may not open answers 404 like one that does not exist (as the page does).
    ticket = ticket_for(signed_in(request), body.ticket_id)
    chase = chase_record_service(
        actor=signed_in(request), now=clock.now(), ticket=ticket, note=body.note
    )
    return Status(
        201, {"id": chase.pk, "at": chase.at, "reply_promised_by": chase.reply_promised_by}
    )


class ChaseReplyIn(Schema):
    note: Note


class ChaseReplyOut(Schema):
    id: int
    replied_at: datetime


@router.post(
    "/chases/{chase_id}/reply", response=ChaseReplyOut, summary="The promised reply given (D8)"
)
def chase_reply(request: HttpRequest, chase_id: PathId, body: ChaseReplyIn) -> dict[str, Any]:
    chase = chase_reply_service(
        actor=signed_in(request), now=clock.now(), chase_id=chase_id, note=body.note
    )
    return {"id": chase.pk, "replied_at": chase.replied_at}


# --- the provider portal -------------------------------------------------------------------


class OrdersOut(Schema):
    page: int
    has_next: bool
    orders: list[OrderOut]


@provider.get("/orders", response=OrdersOut, summary="My provider's work orders (D4)")
def provider_orders(
    request: HttpRequest, filter: Literal["open", "done", "all"] = "open", page: PageNumber = 1
) -> dict[str, Any]:
    user = signed_in(request)
    now = clock.now()
    desk_check_record(actor=user, now=now)  # D4: the desk looked at its orders
    found, has_next = provider_orders_select(user, filter, page)
    return {"page": page, "has_next": has_next, "orders": [_out(o) for o in found]}


@provider.get("/orders/{order_id}", response=OrderDetailOut, summary="One of my work orders")
def provider_order_get(request: HttpRequest, order_id: PathId) -> dict[str, Any]:
    return _out(work_order_for(signed_in(request), order_id), detail=True)


@provider.post("/orders/{order_id}/acknowledge", response=OrderOut, summary="Seen it (D4)")
def provider_order_acknowledge(request: HttpRequest, order_id: PathId) -> dict[str, Any]:
    order = work_order_acknowledge(actor=signed_in(request), now=clock.now(), order_id=order_id)
    return _out(order)


class ContactIn(Schema):
    visit_start: Moment
    visit_end: Moment


@provider.post("/orders/{order_id}/contact", response=OrderOut, summary="Visit agreed (D4, C1)")
def provider_order_contact(
    request: HttpRequest, order_id: PathId, body: ContactIn
) -> dict[str, Any]:
    order = work_order_contact(
        actor=signed_in(request),
        now=clock.now(),
        order_id=order_id,
        visit_start=body.visit_start,
        visit_end=body.visit_end,
    )
    return _out(order)


class StatusIn(Schema):
    text: Note


@provider.post("/orders/{order_id}/status", response=OrderOut, summary="Report status (D4, D5)")
def provider_order_status(request: HttpRequest, order_id: PathId, body: StatusIn) -> dict[str, Any]:
    order = work_order_report_status(
        actor=signed_in(request), now=clock.now(), order_id=order_id, text=body.text
    )
    return _out(order)


class DelayIn(Schema):
    reason: DelayReason | Literal[""] = Field("", description="C3's reason code (required)")
    new_time: Moment | None = None
    text: Note = ""


@provider.post("/orders/{order_id}/delay", response=OrderOut, summary="Delay, with reason (C3)")
def provider_order_delay(request: HttpRequest, order_id: PathId, body: DelayIn) -> dict[str, Any]:
    order = work_order_delay(
        actor=signed_in(request),
        now=clock.now(),
        order_id=order_id,
        reason=str(body.reason),
        new_time=body.new_time,
        text=body.text,
    )
    return _out(order)


class CompleteIn(Schema):
    work_done: Note
    option_chosen: ServiceOption | Literal[""] = ""


@provider.post("/orders/{order_id}/complete", response=OrderOut, summary="Job done (D4, C4)")
def provider_order_complete(
    request: HttpRequest, order_id: PathId, body: CompleteIn
) -> dict[str, Any]:
    order = work_order_complete(
        actor=signed_in(request),
        now=clock.now(),
        order_id=order_id,
        work_done=body.work_done,
        option_chosen=str(body.option_chosen),
    )
    return _out(order)


class SignIn(Schema):
    signer_name: PersonName
    signature_image: SignatureImage = ""


@provider.post("/orders/{order_id}/sign", response=OrderOut, summary="Sign and seal (E6, C5)")
def provider_order_sign(request: HttpRequest, order_id: PathId, body: SignIn) -> dict[str, Any]:
    order = work_order_sign(
        actor=signed_in(request),
        now=clock.now(),
        order_id=order_id,
        signer_name=body.signer_name,
        signature_image=body.signature_image,
    )
    return _out(order)
