"""The case list: my cases; team leads, dispatchers and managers see every case."""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.permissions import may_open_view
from hotline.accounts.views import signed_in
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.formatting import choice_labels
from hotline.paging import page_of
from hotline.tickets.choices import OPEN_TICKET_STATES, TicketKind, TicketState
from hotline.tickets.forms import ListFilterForm
from hotline.tickets.models import Ticket
from hotline.tickets.selectors import tickets_for
from hotline.tickets.views.common import PAGE_SIZE, centre_tz, tabs_for


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, ready to print: the list is open all day on every desk, and
    a template looking each value up through the ticket costs more than the query."""

    number: str
    url: str
    kind: str  # labels in the reader's language
    state: str
    state_label: str
    customer: str
    owner: str
    deadline_rule: str
    deadline_due: datetime | None
    response_due: datetime | None
    created_at: datetime


def case_list(request: HttpRequest) -> HttpResponse:
    """My cases; team leads, dispatchers and managers see every case. One query a page (no
    COUNT): one row more than a page says whether there is a next one."""
    me = signed_in(request)
    filters = ListFilterForm(request.GET)
    if not filters.is_valid():
        context = {"filters": filters, "rows": [], "tabs": tabs_for(me), "centre_tz": centre_tz()}
        return render(request, "tickets/list.html", context, status=400)
    data = filters.cleaned_data
    state = data.get("state") or ListFilterForm.STATE_OPEN
    tickets = tickets_for(me).select_related(None).select_related("customer", "owner")
    tickets = tickets.only(*LIST_FIELDS)
    if state == ListFilterForm.STATE_OPEN:
        tickets = tickets.filter(state__in=list(OPEN_TICKET_STATES))
    elif state != ListFilterForm.STATE_ALL:
        tickets = tickets.filter(state=state)
    if data.get("kind"):
        tickets = tickets.filter(kind=data["kind"])
    if data.get("mine"):
        tickets = tickets.filter(owner=me)
    page = data.get("page") or 1
    found, has_next = page_of(tickets.order_by("-created_at", "-id"), page, PAGE_SIZE)
    rows = _case_rows(found)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "tabs": tabs_for(me),
        "centre_tz": centre_tz(),
        "sees_all": me.role != Role.AGENT,
        "may_create": may_open_view(me.role, "tickets:new"),
    }
    return render(request, "tickets/list.html", context)


# What the case list reads of a ticket, its customer and its owner.
LIST_FIELDS = (
    "kind",
    "state",
    "created_at",
    "response_due",
    "customer__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def _case_rows(tickets: list[Ticket]) -> list[CaseRow]:
    """Each case on the page with its labels and next pending deadline (one query)."""
    pending = Deadline.objects.filter(
        ticket__in=[t.pk for t in tickets], state=DeadlineState.PENDING
    ).order_by("due_at", "id")
    first: dict[int, Deadline] = {}
    for deadline in pending:
        assert deadline.ticket_id is not None
        first.setdefault(deadline.ticket_id, deadline)
    kinds, states = choice_labels(TicketKind), choice_labels(TicketState)
    url = reverse("tickets:detail", args=[0]).replace("/0/", "/%d/")  # once, not per row
    return [
        _case_row(t, url % t.pk, kinds[t.kind], states[t.state], first.get(t.pk)) for t in tickets
    ]


def _case_row(
    ticket: Ticket, url: str, kind: str, state: str, deadline: Deadline | None
) -> CaseRow:
    return CaseRow(
        number=ticket.number,
        url=url,
        kind=kind,
        state=ticket.state,
        state_label=state,
        customer=ticket.customer.name,
        owner=str(ticket.owner),
        deadline_rule=deadline.rule if deadline else "",
        deadline_due=deadline.due_at if deadline else None,
        response_due=ticket.response_due,
        created_at=ticket.created_at,
    )
