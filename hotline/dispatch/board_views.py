"""The dispatcher's board (D3, E3, D6, D7, D2): the lists, the forms of each row, and the
clocks still running on each ticket and order, in words. It refreshes its lists itself
(hotline/static/hotline/dispatch_board.js) while nothing is being typed or chosen in them."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.directory.choices import Channel, Zone
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.selectors import (
    BOARD_TABS,
    Board,
    BoardRow,
    RepeatOf,
    dispatch_board,
)
from hotline.dispatch.services.desk import DESK_CHECK_GAP
from hotline.formatting import choice_labels, duration_text
from hotline.i18n import refusal_text
from hotline.paging import page_number
from hotline.tickets.choices import TicketKind
from hotline.tickets.limits import REASON_LENGTH

BOARD_TAB_LABELS = {
    "to_dispatch": gettext_lazy("To dispatch"),
    "bounced": gettext_lazy("Bounced"),
    "late": gettext_lazy("Late"),
    "leftovers": gettext_lazy("Leftovers"),
    "providers": gettext_lazy("By provider and zone"),
}


TICKET_TABS = ("to_dispatch", "bounced")
ORDER_TABS = ("late", "leftovers")
# Where a cell rendered once a page takes each row's id (see `_ticket_rows`, `_order_rows`).
ROW_MARK = "__row__"


# --- the dispatcher's board -------------------------------------------------------------------


def board(request: HttpRequest) -> HttpResponse:
    return board_response(request)


def board_response(
    request: HttpRequest,
    refusal: PolicyRefusal | None = None,
    status: int = 200,
    *,
    error: str = "",
    bounce_typed: Mapping[str, object] | None = None,
) -> HttpResponse:
    user = signed_in(request)
    tab = request.GET.get("tab", "to_dispatch")
    now = clock.now()
    found = dispatch_board(user, tab, page_number(request), now=now)
    context = {
        "board": found,
        "now": now,
        "tabs": [(key, BOARD_TAB_LABELS[key]) for key in BOARD_TABS],
        "ticket_rows": _ticket_rows(request, found) if found.tab in TICKET_TABS else [],
        "order_rows": _order_rows(request, found) if found.tab in ORDER_TABS else [],
        "refusal": refusal,
        "refusal_text": refusal_text(refusal) if refusal else "",
        "error": error,
        "bounce_typed": bounce_typed,  # a refused send-back, as typed, to shorten and resend
        "reason_max": REASON_LENGTH,
        "centre_tz": found.time_zone,
        "desk_check_gap": duration_text(DESK_CHECK_GAP),
    }
    return render(request, "dispatch/board.html", context, status=status)


def _options(choices: Iterable[tuple[object, object]]) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)


@dataclass(frozen=True)
class Clock:
    """A deadline still running on a row, in words (the label its handler registered)."""

    label: str
    rule: str
    due_at: datetime
    overdue: bool


def _clocks(
    now: datetime, *, ticket_ids: Iterable[int] = (), order_ids: Iterable[int] = ()
) -> dict[tuple[str, int], list[Clock]]:
    """The pending deadlines of a page's tickets and orders, in one query, soonest first; keyed
    ("ticket", id) or ("order", id)."""
    found: dict[tuple[str, int], list[Clock]] = {}
    rows = Deadline.objects.filter(
        Q(ticket_id__in=list(ticket_ids), work_order__isnull=True)
        | Q(work_order_id__in=list(order_ids)),
        state=DeadlineState.PENDING,
    ).order_by("due_at", "id")
    for deadline in rows.only("kind", "rule", "due_at", "ticket_id", "work_order_id"):
        key = (
            ("order", deadline.work_order_id)
            if deadline.work_order_id is not None
            else ("ticket", deadline.ticket_id or 0)
        )
        found.setdefault(key, []).append(
            Clock(deadline.label, deadline.rule, deadline.due_at, deadline.due_at <= now)
        )
    return found


@dataclass(frozen=True)
class TicketLine:
    """A ticket to dispatch or bounced, as the board prints it."""

    number: str
    url: str
    work_order_due: datetime | None  # D2: a work order within 10 min of the case
    overdue: bool  # D2: past it, still no work order
    clocks: list[Clock]
    kind: str  # labels in the reader's language
    customer: str
    address: str
    zone: str
    waiting_since: datetime
    forms: str  # to dispatch: the dispatch and bounce forms
    bounce_reason: str  # bounced: why, and to whom
    owner: str
    repeat_of: RepeatOf | None  # D12: a second dispatch after an unresolved follow-up


def _ticket_rows(request: HttpRequest, found: Board) -> list[TicketLine]:
    """The board's tickets. The dispatch cell (D3: the region's providers with their loads,
    the suggestion first; E3: the bounce form) is rendered once per region and only the
    ticket id put in per row: the board stays fast at 50 rows a page."""
    cells: dict[int | None, str] = {}
    kinds, zones = choice_labels(TicketKind), choice_labels(Zone)
    ticket_url = reverse("tickets:detail", args=[0]).replace("/0/", "/%d/")
    now = clock.now()
    clocks = _clocks(now, ticket_ids=[row.ticket.pk for row in found.rows])
    lines = []
    for row in found.rows:
        ticket, site = row.ticket, row.ticket.site
        forms = ""
        if found.tab == "to_dispatch":
            region = site.region_id if site else None
            if region not in cells:
                cells[region] = _dispatch_cell(request, row)
            forms = mark_safe(cells[region].replace(ROW_MARK, str(ticket.pk)))
        lines.append(
            TicketLine(
                number=ticket.number,
                url=ticket_url % ticket.pk,
                work_order_due=ticket.work_order_due,
                overdue=ticket.work_order_due is not None and ticket.work_order_due <= now,
                clocks=clocks.get(("ticket", ticket.pk), []),
                kind=kinds[ticket.kind],
                customer=ticket.customer.name,
                address=site.address if site else "",
                zone=zones[site.zone] if site else "",
                waiting_since=ticket.created_at,
                forms=forms,
                bounce_reason=ticket.bounce_reason,
                owner=str(ticket.owner),
                repeat_of=row.repeat_of,
            )
        )
    return lines


def _dispatch_cell(request: HttpRequest, row: BoardRow) -> str:
    context = {
        "ticket": ROW_MARK,
        "provider_options": _provider_options(row),
        "channel_options": _options(Channel.choices),
        "suggested": row.suggested is not None,
        "reason_max": REASON_LENGTH,
    }
    return render_to_string("dispatch/_dispatch_cell.html", context, request=request)


def _provider_options(row: BoardRow) -> str:
    if row.suggested:
        first = _("Suggested: %(name)s (%(open)s/%(capacity)s)") % {
            "name": row.suggested.name,
            "open": row.suggested.open_orders,
            "capacity": row.suggested.capacity,
        }
    else:
        first = _("No provider of the region has room")
    return format_html('<option value="">{}</option>', first) + format_html_join(
        "",
        '<option value="{}"{}>{} ({}/{})</option>',
        (
            (c.provider_id, "" if c.has_room else " disabled", c.name, c.open_orders, c.capacity)
            for c in row.candidates
        ),
    )


@dataclass(frozen=True)
class OrderLine:
    """A late or leftover order as the board prints it."""

    number: str
    url: str
    state: str  # labels in the reader's language
    ticket: str
    ticket_url: str
    clocks: list[Clock]
    customer: str
    provider: str
    zone: str
    channel: str
    dispatched_at: datetime | None
    response_due: datetime | None
    late_at: datetime | None
    sla_due: datetime | None  # the customer's SLA, apart from the provider's D6 lateness
    sla_breached: bool
    urge_form: str


def _order_rows(request: HttpRequest, found: Board) -> list[OrderLine]:
    """Each order with its link and urge form (D5, D7), rendered once a page with the order id
    put in per row, and its labels looked up once a page."""
    order_url = reverse("dispatch:order", args=[0]).replace("/0/", "/%d/")
    urge_form = render_to_string(
        "dispatch/_urge_cell.html", {"order": 0, "tab": found.tab}, request=request
    ).replace("/0/", f"/{ROW_MARK}/")
    states, zones = choice_labels(WorkOrderState), choice_labels(Zone)
    channels = choice_labels(Channel)
    now = clock.now()
    ticket_url = reverse("tickets:detail", args=[0]).replace("/0/", "/%d/")
    clocks = _clocks(now, order_ids=[order.pk for order in found.rows])
    return [
        OrderLine(
            number=order.number,
            url=order_url % order.pk,
            state=states[order.state],
            ticket=order.ticket.number,
            ticket_url=ticket_url % order.ticket_id,
            clocks=clocks.get(("order", order.pk), []),
            customer=order.ticket.customer.name,
            provider=order.provider.name,
            zone=zones[order.zone],
            channel=channels[order.channel],
            dispatched_at=order.dispatched_at,
            response_due=order.response_due,
            late_at=order.late_at,
            sla_due=order.sla_due,
            sla_breached=order.sla_breached(now),
            urge_form=mark_safe(urge_form.replace(ROW_MARK, str(order.pk))),
        )
        for order in found.rows
    ]
