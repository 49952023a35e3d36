"""The dispatch board, order pages and the provider portal. Services decide; pages show.

A refusal re-renders the page with the rule named (409); bad input re-renders it with the
error (422); an order the user may not see is a 404, whoever owns it.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import NOTICE_LOGGERS
from hotline.accounts.views import signed_in
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Provider
from hotline.dispatch.board_views import board_response
from hotline.dispatch.bounds import NAME_MAX, NOTE_MAX, SIGNATURE_MAX
from hotline.dispatch.choices import DelayReason, WorkOrderState
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.report import report_pdf
from hotline.dispatch.selectors import (
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
from hotline.dispatch.services.desk import desk_check_record
from hotline.formatting import choice_labels
from hotline.i18n import refusal_text
from hotline.paging import page_number
from hotline.rulebook.selectors import centre_time_zone
from hotline.tickets.choices import ServiceOption
from hotline.tickets.limits import REASON_LENGTH
from hotline.tickets.models import Ticket
from hotline.tickets.services import ticket_bounce


def _local_datetime(value: str) -> datetime:
    """A datetime-local field, read in the centre's time zone (the one the portal shows)."""
    naive = datetime.fromisoformat(value)
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(centre_time_zone()))


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
        return board_response(request, refused, status=409)
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
        return board_response(request, error=error, bounce_typed=typed, status=400)
    try:
        ticket_bounce(
            actor=signed_in(request),
            now=clock.now(),
            ticket=ticket,
            reason=reason,
        )
    except PolicyRefusal as refused:
        return board_response(request, refused, status=409)
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
