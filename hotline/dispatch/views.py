"""The dispatch board, order pages and the provider portal. Services decide; pages show.

A refusal re-renders the page with the rule named (409); bad input re-renders it with the
error (422); an order the user may not see is a 404, whoever owns it.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import NOTICE_LOGGERS
from hotline.accounts.views import signed_in
from hotline.core.refusal import PolicyRefusal
from hotline.directory.choices import Channel, Zone
from hotline.directory.models import Provider
from hotline.dispatch.bounds import NAME_MAX, NOTE_MAX, SIGNATURE_MAX
from hotline.dispatch.choices import DelayReason, WorkOrderState
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.report import report_pdf
from hotline.dispatch.selectors import (
    BOARD_TABS,
    Board,
    BoardRow,
    RepeatOf,
    dispatch_board,
    provider_orders,
    work_order_for,
)
from hotline.dispatch.services import (
    work_order_acknowledge,
    work_order_complete,
    work_order_contact,
    work_order_delay,
    work_order_dispatch,
    work_order_report_status,
    work_order_sign,
    work_order_urge,
)
from hotline.dispatch.services.desk import DESK_CHECK_GAP, desk_check_record
from hotline.formatting import choice_labels, duration_text
from hotline.i18n import refusal_text
from hotline.paging import page_number
from hotline.rulebook.selectors import centre_time_zone
from hotline.tickets.choices import ServiceOption, TicketKind
from hotline.tickets.limits import REASON_LENGTH
from hotline.tickets.models import Ticket
from hotline.tickets.services import ticket_bounce

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


def _local_datetime(value: str) -> datetime:
    """A datetime-local field, read in the centre's time zone (the one the portal shows)."""
    naive = datetime.fromisoformat(value)
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(centre_time_zone()))


# --- the dispatcher's board -------------------------------------------------------------------


def board(request: HttpRequest) -> HttpResponse:
    return _board(request)


def _board(
    request: HttpRequest,
    refusal: PolicyRefusal | None = None,
    status: int = 200,
    *,
    error: str = "",
    bounce_typed: Mapping[str, object] | None = None,
) -> HttpResponse:
    user = signed_in(request)
    tab = request.GET.get("tab", "to_dispatch")
    found = dispatch_board(user, tab, page_number(request), now=clock.now())
    context = {
        "board": found,
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
class TicketLine:
    """A ticket to dispatch or bounced, as the board prints it."""

    number: str
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
    return [
        OrderLine(
            number=order.number,
            url=order_url % order.pk,
            state=states[order.state],
            ticket=order.ticket.number,
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


@require_POST
def dispatch_ticket(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    try:
        ticket = Ticket.objects.get(pk=int(request.POST.get("ticket", "")))
        provider_id = request.POST.get("provider", "")
        provider = Provider.objects.get(pk=int(provider_id)) if provider_id else None
    except (ValueError, ObjectDoesNotExist):
        raise Http404 from None
    try:
        order = work_order_dispatch(
            actor=user,
            now=clock.now(),
            ticket=ticket,
            provider=provider,
            channel=request.POST.get("channel") or None,
        )
    except PolicyRefusal as refused:
        return _board(request, refused, status=409)
    messages.success(
        request,
        _("Work order %(order)s sent to %(provider)s.")
        % {"order": order.number, "provider": order.provider.name},
    )
    return redirect("dispatch:board")


@require_POST
def bounce(request: HttpRequest) -> HttpResponse:
    try:
        ticket = Ticket.objects.get(pk=int(request.POST.get("ticket", "")))
    except (ValueError, ObjectDoesNotExist):
        raise Http404 from None
    reason = request.POST.get("reason", "")
    if len(reason) > REASON_LENGTH:  # as the API's CaseReasonIn: the browser's limit is a hint
        error = _("%(field)s is too long: at most %(max)s characters.") % {
            "field": _("What is missing"),
            "max": REASON_LENGTH,
        }
        typed = {"ticket": ticket, "reason": reason}
        return _board(request, error=error, bounce_typed=typed, status=400)
    try:
        ticket_bounce(
            actor=signed_in(request),
            now=clock.now(),
            ticket=ticket,
            reason=reason,
        )
    except PolicyRefusal as refused:
        return _board(request, refused, status=409)
    messages.success(
        request, _("Ticket %(ticket)s sent back to its agent.") % {"ticket": ticket.number}
    )
    return redirect("dispatch:board")


@require_POST
def urge(request: HttpRequest, order_id: int) -> HttpResponse:
    user = signed_in(request)
    order = _visible(user, order_id)
    try:
        work_order_urge(actor=user, now=clock.now(), order_id=order.pk)
    except PolicyRefusal as refused:
        messages.error(request, refusal_text(refused))
    else:
        messages.success(request, _("Provider urged about %(order)s.") % {"order": order.number})
    if request.POST.get("next") in ("late", "leftovers"):
        return redirect(reverse("dispatch:board") + "?tab=" + request.POST["next"])
    return redirect("dispatch:order", order_id=order.pk)


def order(request: HttpRequest, order_id: int) -> HttpResponse:
    user = signed_in(request)
    found = _visible(user, order_id)
    context = _order_context(found) | {"can_log": user.role in NOTICE_LOGGERS}
    return render(request, "dispatch/order.html", context)


def _visible(user: User, order_id: int) -> WorkOrder:
    try:
        return work_order_for(user, order_id)
    except WorkOrder.DoesNotExist:
        raise Http404 from None


def _order_context(found: WorkOrder) -> dict[str, Any]:
    return {
        "order": found,
        "copy": found.ticket_copy,
        "reports": found.reports.select_related("by"),
        "urges": found.urges.select_related("by"),
        "deadlines": found.deadlines.order_by("due_at"),
        # D3: what went to the provider and the customer, and what is still to phone or fax.
        "notices": found.notices.order_by("created_at", "id"),
        "centre_tz": centre_time_zone(),  # where datetime fields are read in
        "sla_breached": found.sla_breached(clock.now()),
    }


def report(request: HttpRequest, order_id: int) -> HttpResponse:
    """C5: the service report PDF, for the staff, the order's provider or its customer."""
    found = _visible(signed_in(request), order_id)
    if found.signed_at is None:
        raise Http404
    response = HttpResponse(report_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.number}.pdf"'
    return response


# --- the provider portal -------------------------------------------------------------------


def provider_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    which = request.GET.get("filter", "open")
    page = page_number(request)
    desk_check_record(actor=user, now=clock.now())  # D4: the desk looked at its orders
    found, has_next = provider_orders(user, which, page)
    states = choice_labels(WorkOrderState)
    url = reverse("provider:order", args=[0]).replace("/0/", "/%d/")  # once, not per row
    context = {
        "orders": [(order, url % order.pk, states[order.state]) for order in found],
        "filter": which,
        "page": page,
        "has_next": has_next,
        "centre_tz": centre_time_zone(),  # where datetime fields are read in
    }
    return render(request, "dispatch/provider_orders.html", context)


def provider_order(request: HttpRequest, order_id: int) -> HttpResponse:
    found = _visible(signed_in(request), order_id)
    return _provider_page(request, found)


def _provider_page(
    request: HttpRequest, found: WorkOrder, error: str = "", status: int = 200
) -> HttpResponse:
    context = _order_context(found) | {
        "error": error,
        "delay_reasons": DelayReason.choices,
        "options": ServiceOption.choices,
        # A refused or bad form comes back as it was typed, so nothing has to be typed again.
        "typed": request.POST if request.method == "POST" else {},
        "note_max": NOTE_MAX,
        "name_max": NAME_MAX,
    }
    return render(request, "dispatch/provider_order.html", context, status=status)


# The longest each field of the provider's forms may be, as the API's schemas bound them.
FIELD_MAX = {"signer_name": NAME_MAX, "signature_image": SIGNATURE_MAX}
FIELD_LABELS = {
    "text": gettext_lazy("Report"),
    "work_done": gettext_lazy("Work done"),
    "signer_name": gettext_lazy("Name of the person signing"),
    "signature_image": gettext_lazy("Signature"),
}


def _too_long(form: Any) -> str | None:
    """The first field typed longer than it may be, or None."""
    for name, value in form.items():
        if len(value) > FIELD_MAX.get(name, NOTE_MAX):
            return str(name)
    return None


ProviderAction = Callable[[HttpRequest, User, datetime, int], object]

PROVIDER_ACTIONS: dict[str, ProviderAction] = {
    "acknowledge": lambda r, me, now, pk: work_order_acknowledge(actor=me, now=now, order_id=pk),
    "contact": lambda r, me, now, pk: work_order_contact(
        actor=me,
        now=now,
        order_id=pk,
        visit_start=_local_datetime(r.POST.get("visit_start", "")),
        visit_end=_local_datetime(r.POST.get("visit_end", "")),
    ),
    "status": lambda r, me, now, pk: work_order_report_status(
        actor=me, now=now, order_id=pk, text=r.POST.get("text", "")
    ),
    "delay": lambda r, me, now, pk: work_order_delay(
        actor=me,
        now=now,
        order_id=pk,
        reason=r.POST.get("reason", ""),
        new_time=_local_datetime(r.POST["new_time"]) if r.POST.get("new_time") else None,
        text=r.POST.get("text", ""),
    ),
    "complete": lambda r, me, now, pk: work_order_complete(
        actor=me,
        now=now,
        order_id=pk,
        work_done=r.POST.get("work_done", ""),
        option_chosen=r.POST.get("option_chosen", ""),
    ),
    "sign": lambda r, me, now, pk: work_order_sign(
        actor=me,
        now=now,
        order_id=pk,
        signer_name=r.POST.get("signer_name", ""),
        signature_image=r.POST.get("signature_image", ""),
    ),
}


@require_POST
def provider_action(request: HttpRequest, order_id: int) -> HttpResponse:
    """One button of the provider's order page: done, refused by a rule (409) or bad (422)."""
    me = signed_in(request)
    found = _visible(me, order_id)
    action = PROVIDER_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return _provider_page(request, found, _("Unknown action."), status=422)
    too_long = _too_long(request.POST)
    if too_long is not None:
        text = _("%(field)s is too long: at most %(max)s characters.") % {
            "field": FIELD_LABELS.get(too_long, too_long),
            "max": FIELD_MAX.get(too_long, NOTE_MAX),
        }
        return _provider_page(request, found, text, status=422)
    try:
        action(request, me, clock.now(), found.pk)
    except PolicyRefusal as refused:
        found.refresh_from_db()
        text = f"{refused.rule_id}: {refusal_text(refused)}"
        return _provider_page(request, found, text, status=409)
    except ValueError:
        return _provider_page(request, found, _("Enter a valid date and time."), status=422)
    except WorkOrder.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Saved."))
    return redirect("provider:order", order_id=found.pk)
