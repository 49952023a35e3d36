"""Reading cases, scoped by the acting user: an agent sees its own, supervisors and dispatchers
all, a customer its own account's, a provider none. Anything out of scope does not exist."""

from django.db.models import Q, QuerySet

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import SEE_EVERY_CASE
from hotline.calls.screen_pop import OpenCase
from hotline.core.cases import MissingFact, TicketFacts, quality_check
from hotline.core.i18n import gettext_noop
from hotline.directory.models import Customer
from hotline.tickets.choices import (
    FIELD_KINDS,
    OPEN_TICKET_STATES,
    ComplaintState,
    IncidentState,
    TicketKind,
    TicketState,
)
from hotline.tickets.models import CallLink, Complaint, FaultCategory, Incident, Ticket


def tickets_for(user: User) -> QuerySet[Ticket]:
    """The tickets `user` may see, newest first."""
    found = Ticket.objects.select_related("customer", "owner", "site", "category", "later_date_by")
    if user.role in SEE_EVERY_CASE:
        return found.all()
    if user.role == Role.AGENT:
        return found.filter(owner=user)
    if user.role == Role.CUSTOMER and user.customer_id is not None:
        return found.filter(customer_id=user.customer_id)
    return found.none()


def ticket_for(user: User, ticket_id: int) -> Ticket:
    """One ticket, or `Ticket.DoesNotExist` when it doesn't exist *or* the user may not see it."""
    return (
        tickets_for(user)
        .select_related("equipment", "contract", "updates", "site__region", "special_approved_by")
        .get(pk=ticket_id)
    )


# E4's part of what is missing before the read-back (shown with E3's, refused by E4).
NO_CATEGORY = MissingFact(
    "category",
    gettext_noop("Choose the fault category: a new repair walks through its scripted steps."),
)
SCRIPT_NOT_DONE = MissingFact(
    "script", gettext_noop("Walk through the scripted first steps with the customer.")
)
E4_CODES = frozenset({NO_CATEGORY.code, SCRIPT_NOT_DONE.code})


def needs_category(ticket: Ticket) -> bool:
    """E4: a new repair goes through its category's script, so it needs a category."""
    return (
        ticket.kind == TicketKind.REPAIR
        and ticket.updates_id is None
        and ticket.category_id is None
    )


def script_gaps(ticket: Ticket) -> list[str]:
    """E4: the steps of the script not done nor answered yet, in order."""
    done: set[str] = set()
    for answer in ticket.script_answers or []:
        if isinstance(answer, str):
            done.add(answer)
        elif isinstance(answer, dict) and (answer.get("done") or str(answer.get("answer", ""))):
            done.add(str(answer.get("step", "")))
    return [step for step in script_for(ticket) if step not in done]


def ticket_quality(ticket: Ticket) -> list[MissingFact]:
    """E4 and E3: what the read-back would be refused for, and what a technician would have to
    phone back about; empty when the ticket is ready.

    A call that updates an open case (E4) skipped the script: the linked case has the steps.
    Cases without a visit need no steps tried (a complaint, an enquiry)."""
    e4 = [NO_CATEGORY] if needs_category(ticket) else []
    e4 += [SCRIPT_NOT_DONE] if script_gaps(ticket) else []
    return e4 + technician_gaps(ticket)


def technician_gaps(ticket: Ticket) -> list[MissingFact]:
    """E3 alone: the facts a technician needs."""
    needs_visit = ticket.kind in FIELD_KINDS
    steps_done = len(ticket.script_answers or [])
    if ticket.updates_id is not None or not needs_visit:
        steps_done = max(steps_done, 1)
    return quality_check(
        TicketFacts(
            symptom=ticket.symptom,
            equipment=ticket.equipment_id is not None,
            address=ticket.site_id is not None,
            contact_name=ticket.contact_name,
            contact_phone=ticket.contact_phone,
            time_window=ticket.window_start is not None and ticket.window_end is not None,
            steps_tried=ticket.steps_tried,
            script_steps_done=steps_done,
            needs_visit=needs_visit,
        )
    )


def script_for(ticket: Ticket) -> list[str]:
    """E4: the category's scripted first steps; none when the call updates an open case."""
    if ticket.updates_id is not None or ticket.category is None:
        return []
    return [str(step) for step in ticket.category.steps]


def open_cases_of(customer: Customer) -> QuerySet[Ticket]:
    """E4: the customer's open cases, for "this call updates case ..." on the desk."""
    return Ticket.objects.filter(customer=customer, state__in=OPEN_TICKET_STATES).select_related(
        "owner", "site"
    )


FINISHED_CASES_SHOWN = 10


def cases_to_link(customer: Customer) -> QuerySet[Ticket]:
    """E4 / D9: what a call may be about: the customer's open cases, and their latest finished
    ones (a complaint may be about work already done and signed)."""
    finished = (
        Ticket.objects.filter(customer=customer)
        .exclude(state__in=OPEN_TICKET_STATES)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:FINISHED_CASES_SHOWN]
    )
    return (
        Ticket.objects.filter(
            Q(customer=customer, state__in=OPEN_TICKET_STATES) | Q(pk__in=list(finished))
        )
        .select_related("owner", "site")
        .order_by("-created_at", "-id")
    )


# --- what a case is opened with (customers, sites, equipment: hotline/directory/selectors.py) -


def categories_matching(query: str = "") -> QuerySet[FaultCategory]:
    """E4: the fault categories with their scripts, by name or code."""
    found = FaultCategory.objects.all()
    text = query.strip()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(code__icontains=text))
    return found.order_by("name", "id")


def approvals_for(user: User) -> QuerySet[Ticket]:
    """D1: special requests waiting for a team lead."""
    if user.role != Role.TEAM_LEAD:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(state=TicketState.AWAITING_APPROVAL)
        .select_related("customer", "owner", "site")
        .order_by("created_at", "id")
    )


def complaints_for(user: User) -> QuerySet[Complaint]:
    """D9: the team lead's complaints to hand on, the engineer's to answer, all for a manager."""
    found = Complaint.objects.select_related(
        "ticket__customer", "ticket__owner", "ticket__site__region", "engineer", "team_lead"
    ).order_by("ticket__created_at", "id")
    if user.role in (Role.MANAGER, Role.ADMIN):
        return found.all()
    mine = Q(engineer=user, state=ComplaintState.WITH_ENGINEER)
    if user.role == Role.TEAM_LEAD:
        return found.filter(Q(state=ComplaintState.WITH_LEAD) | mine)
    return found.filter(mine)


def incidents_for(user: User) -> QuerySet[Incident]:
    """D10: open incidents for the team lead and the manager, newest first."""
    if user.role not in (Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN):
        return Incident.objects.none()
    return (
        Incident.objects.exclude(state=IncidentState.CLOSED)
        .select_related("ticket__customer", "ticket__owner", "decided_by")
        .order_by("-reported_at", "-id")
    )


def screen_pop_cases(customer: Customer, limit: int) -> list[OpenCase]:
    """E4: the caller's open cases for the floor's screen pop (the PBX's call state)."""
    return [_pop_case(case) for case in open_cases_of(customer)[:limit]]


def _pop_case(case: Ticket) -> OpenCase:
    return OpenCase(
        id=case.pk,
        number=case.number,
        state=case.state,
        summary=case.symptom[:200],
        state_label=str(case.get_state_display()),
        owner_id=case.owner_id,
    )


def screen_pop_call_cases(call_ids: list[int]) -> dict[int, list[OpenCase]]:
    """The cases made from each call (the case's `call`) and those it was linked to (E4)."""
    found: dict[int, list[OpenCase]] = {}
    made = Ticket.objects.filter(call_id__in=call_ids).order_by("created_at", "id")
    for case in made:
        assert case.call_id is not None
        found.setdefault(case.call_id, []).append(_pop_case(case))
    links = CallLink.objects.filter(call_id__in=call_ids).select_related("ticket")
    for link in links.order_by("linked_at", "id"):
        if all(c.id != link.ticket_id for c in found.get(link.call_id, [])):
            found.setdefault(link.call_id, []).append(_pop_case(link.ticket))
    return found
