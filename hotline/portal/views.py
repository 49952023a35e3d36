"""The customer portal (C2, C3, C5) and the E5 record, for the customer and for staff.

A case of another customer is a 404, exactly like one that does not exist. Asking for the record
is a POST: it is an event and the supervisors are told, so no link or prefetch can trigger it.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import STAFF
from hotline.accounts.views import signed_in
from hotline.core.refusal import PolicyRefusal
from hotline.directory.models import Customer
from hotline.directory.selectors import customers_matching
from hotline.i18n import refusal_text
from hotline.paging import page_number
from hotline.portal.selectors import (
    portal_case,
    portal_cases,
    portal_customer,
    portal_notices,
)
from hotline.portal.services import (
    CONTENT_TYPES,
    FORMATS,
    record_csv,
    record_json,
    record_pdf,
    record_request,
)
from hotline.tickets.models import Ticket

SEARCH_LIMIT = 20


def _customer(user: User) -> Customer:
    try:
        return portal_customer(user)
    except Customer.DoesNotExist:
        raise Http404 from None


def cases(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    customer = _customer(user)
    page = page_number(request)
    rows, has_next = portal_cases(user, page)
    context = {
        "customer": customer,
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "notices": portal_notices(user),
        "formats": FORMATS,
    }
    return render(request, "portal/cases.html", context)


def case(request: HttpRequest, ticket_id: int) -> HttpResponse:
    user = signed_in(request)
    customer = _customer(user)
    try:
        row = portal_case(user, ticket_id)
    except Ticket.DoesNotExist:
        raise Http404 from None
    context = {
        "customer": customer,
        "row": row,
        "notices": portal_notices(user, row.ticket, limit=50),
    }
    return render(request, "portal/case.html", context)


def _record_response(request: HttpRequest, user: User, customer: Customer) -> HttpResponse:
    fmt = request.POST.get("format", "")
    now = clock.now()
    try:
        record = record_request(actor=user, now=now, customer=customer, fmt=fmt)
    except PolicyRefusal as refused:
        return HttpResponse(
            f"{refused.rule_id}: {refusal_text(refused)}",
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    body = {
        "pdf": lambda: record_pdf(record, customer),
        "json": lambda: record_json(record),
        "csv": lambda: record_csv(record),
    }[fmt]()
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    stamp = now.strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="record-C{customer.pk:06d}-{stamp}.{fmt}"'
    )
    return response


@require_POST
def record(request: HttpRequest) -> HttpResponse:
    """E5 from the portal: the customer's own complete record."""
    user = signed_in(request)
    return _record_response(request, user, _customer(user))


def records(request: HttpRequest) -> HttpResponse:
    """E5 for staff: find the customer who asked, and hand them their record."""
    user = signed_in(request)
    query = request.GET.get("q", "")
    context = {
        "query": query,
        # E5 for staff (the case pages' one customer search): the account a customer asks about
        "found": customers_matching(user, query, SEARCH_LIMIT) if user.role in STAFF else [],
        "formats": FORMATS,
        "searched": bool(query.strip()),
        "hint": _("Name, phone number, e-mail or customer number"),
    }
    return render(request, "portal/records.html", context)


@require_POST
def customer_record(request: HttpRequest, customer_id: int) -> HttpResponse:
    """E5 by a member of staff on the customer's behalf: no role may refuse it."""
    user = signed_in(request)
    try:
        customer = Customer.objects.get(pk=customer_id)
    except Customer.DoesNotExist:
        raise Http404 from None
    return _record_response(request, user, customer)
