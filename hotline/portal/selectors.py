"""The customer's own pages: only the signed-in customer's account, anything else is 404.

One query for a page of cases and one each for their work orders and delay reports: the number
of queries does not grow with the number of cases shown.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.directory.models import Customer
from hotline.dispatch.choices import ReportKind
from hotline.dispatch.models import WorkOrder, WorkOrderReport
from hotline.notices.models import Notice
from hotline.paging import page_of
from hotline.tickets.models import Ticket

PAGE_SIZE = 30


@dataclass
class CaseRow:
    """One case as the customer sees it: promises (C2), delays (C3), documents (C5)."""

    ticket: Ticket
    orders: list[WorkOrder] = field(default_factory=list)
    delays: list[WorkOrderReport] = field(default_factory=list)

    @property
    def latest_order(self) -> WorkOrder | None:
        return self.orders[0] if self.orders else None

    @property
    def latest_delay(self) -> WorkOrderReport | None:
        """C3: the current order's last delay; earlier orders' delays are on the case page."""
        order = self.latest_order
        mine = [d for d in self.delays if order is not None and d.work_order_id == order.pk]
        return mine[-1] if mine else None

    @property
    def documents(self) -> list[WorkOrder]:
        return [o for o in self.orders if o.signed_at is not None]


def portal_customer(user: User) -> Customer:
    """The account the user is bound to; none for any other role (DoesNotExist)."""
    if user.role != Role.CUSTOMER or user.customer_id is None:
        raise Customer.DoesNotExist
    return Customer.objects.get(pk=user.customer_id)


def _tickets(user: User) -> QuerySet[Ticket]:
    if user.role != Role.CUSTOMER or user.customer_id is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(customer_id=user.customer_id).select_related(
        "site", "equipment", "category"
    )


def _rows(tickets: list[Ticket]) -> list[CaseRow]:
    rows = {t.pk: CaseRow(t) for t in tickets}
    orders = WorkOrder.objects.filter(ticket_id__in=rows).select_related("provider")
    by_id: dict[int, WorkOrder] = {}
    for order in orders.order_by("-dispatched_at", "-id"):
        rows[order.ticket_id].orders.append(order)
        by_id[order.pk] = order
    delays = WorkOrderReport.objects.filter(work_order_id__in=by_id, kind=ReportKind.DELAY)
    for report in delays.order_by("at", "id"):
        rows[by_id[report.work_order_id].ticket_id].delays.append(report)
    return [rows[t.pk] for t in tickets]


def portal_cases(user: User, page: int = 1) -> tuple[list[CaseRow], bool]:
    """A page of the customer's cases, newest first."""
    found, has_next = page_of(_tickets(user).order_by("-created_at", "-id"), page, PAGE_SIZE)
    return _rows(found), has_next


def portal_case(user: User, ticket_id: int) -> CaseRow:
    """One of the customer's cases, or Ticket.DoesNotExist whoever else's it is (no leak)."""
    return _rows([_tickets(user).get(pk=ticket_id)])[0]


def portal_notices(user: User, ticket: Ticket | None = None, limit: int = 10) -> list[Notice]:
    if user.role != Role.CUSTOMER or user.customer_id is None:
        return []
    found = Notice.objects.filter(customer_id=user.customer_id)
    if ticket is not None:
        found = found.filter(ticket=ticket)
    return list(found.order_by("-created_at", "-id")[:limit])
