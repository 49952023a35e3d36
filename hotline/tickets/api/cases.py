"""The cases' operations: take a case, write it, read it back, and what follows (D1, D2, D9,
D10, D11, A6, B10, E2, E3, E4). Every id in a path is 1 .. 2**63 - 1 (422 beyond)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Status

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.bounds import PathId, QueryId
from hotline.calls.models import Call
from hotline.directory import selectors as directory
from hotline.directory.models import CustomerSite, Equipment
from hotline.paging import PageNumber, page_of
from hotline.tickets import selectors, services
from hotline.tickets.api import router
from hotline.tickets.api.schemas import (
    ApprovalIn,
    CaseReasonIn,
    DecisionIn,
    EditIn,
    EscalationOut,
    IncidentOut,
    KindFilter,
    OptionsIn,
    OutcomeIn,
    QualityOut,
    ReassignIn,
    ReportIn,
    ResolutionIn,
    StateFilter,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    TicketsOut,
    WindowIn,
)
from hotline.tickets.choices import TicketKind
from hotline.tickets.models import Complaint, FaultCategory, Incident, Ticket

PAGE_SIZE = 50
OUT_FIELDS = ("number", "customer", "owner", "address", "category", "special_approved")


PAGE_SIZE = 50


def _name(user: User | None) -> str | None:
    return user.get_username() if user else None


def _out(ticket: Ticket) -> dict[str, Any]:
    plain = {
        field: getattr(ticket, field)
        for field in TicketOut.model_fields
        if field not in (*OUT_FIELDS, "later_date_by")
    }
    return plain | {
        "number": ticket.number,
        "customer": ticket.customer.name,
        "owner": ticket.owner.get_username(),
        "address": ticket.site.address if ticket.site else None,
        "category": ticket.category.code if ticket.category else None,
        "special_approved": ticket.special_approved_by_id is not None,
        "later_date_by": _name(ticket.later_date_by) if ticket.later_date_by_id else None,
    }


def _detail(ticket: Ticket) -> dict[str, Any]:
    data = _out(ticket) | {"script": selectors.script_for(ticket), "complaint": None}
    complaint = Complaint.objects.filter(ticket=ticket).select_related("team_lead", "engineer")
    for found in complaint[:1] if ticket.kind == TicketKind.COMPLAINT else []:
        data["complaint"] = {
            "state": found.state,
            "work_order_id": found.work_order_id,
            "team_lead": _name(found.team_lead),
            "engineer": _name(found.engineer),
            "handed_at": found.handed_at,
            "reply_due": found.reply_due,
            "replied_at": found.replied_at,
            "outcome": found.outcome,
        }
    incident = Incident.objects.filter(ticket=ticket).first()
    data["incident"] = incident and {
        field: getattr(incident, field) for field in IncidentOut.model_fields
    }
    return data


def _fresh(user: User, ticket_id: int) -> dict[str, Any]:
    return _detail(selectors.ticket_for(user, ticket_id))


@router.get("", response=TicketsOut, summary="Tickets I may see, newest first, 50 a page")
def tickets_list(
    request: HttpRequest,
    state: StateFilter = "",
    kind: KindFilter = "",
    customer_id: QueryId = None,
    page: PageNumber = 1,
) -> dict[str, Any]:
    """`customer_id`: that customer's cases (E4: the case a call is about)."""
    found = selectors.tickets_for(signed_in(request))
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    if customer_id is not None:
        found = found.filter(customer_id=customer_id)
    rows, has_next = page_of(found.order_by("-created_at", "-id"), page, PAGE_SIZE)
    return {"page": page, "has_next": has_next, "tickets": [_out(t) for t in rows]}


@router.post(
    "", response={201: TicketDetailOut}, summary="Take a case (D11, E4, C2, D2, D9, D10, A6)"
)
def ticket_create(request: HttpRequest, body: TicketIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    ticket = services.ticket_create(
        actor=user,
        now=clock.now(),
        customer=directory.customer_for(user, body.customer_id),
        kind=body.kind,
        # Only the agent's own call links; anyone else's does not exist for them.
        call=Call.objects.get(pk=body.call_id, agent=user) if body.call_id else None,
        updates=Ticket.objects.get(pk=body.updates_id) if body.updates_id else None,
        site=CustomerSite.objects.get(pk=body.site_id) if body.site_id else None,
        equipment=Equipment.objects.get(pk=body.equipment_id) if body.equipment_id else None,
        category=FaultCategory.objects.get(pk=body.category_id) if body.category_id else None,
        symptom=body.symptom,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        incident_kind=body.incident_kind,
        script_answers=[answer.dict() for answer in body.script_answers],
    )
    return Status(201, _fresh(user, ticket.pk))


@router.get("/{ticket_id}", response=TicketDetailOut, summary="One ticket")
def ticket_get(request: HttpRequest, ticket_id: PathId) -> dict[str, Any]:
    return _fresh(signed_in(request), ticket_id)


@router.patch("/{ticket_id}", response=TicketDetailOut, summary="Complete the facts (E3)")
def ticket_edit(request: HttpRequest, ticket_id: PathId, body: EditIn) -> dict[str, Any]:
    user = signed_in(request)
    ticket = selectors.ticket_for(user, ticket_id)
    given = body.dict(exclude_unset=True)
    facts: dict[str, Any] = {}
    models: dict[str, Any] = {
        "site_id": CustomerSite,
        "equipment_id": Equipment,
        "category_id": FaultCategory,
    }
    for name, value in given.items():
        if name in models:
            facts[name.removesuffix("_id")] = models[name].objects.get(pk=value) if value else None
        elif value is not None:
            facts[name] = value
    services.ticket_edit(actor=user, now=clock.now(), ticket=ticket, **facts)
    return _fresh(user, ticket_id)


@router.get("/{ticket_id}/quality", response=QualityOut, summary="What a technician needs (E3)")
def ticket_quality(request: HttpRequest, ticket_id: PathId) -> dict[str, Any]:
    ticket = selectors.ticket_for(signed_in(request), ticket_id)
    missing = selectors.ticket_quality(ticket)
    return {
        "ready": not missing,
        "missing": [{"code": m.code, "message": gettext(m.message)} for m in missing],
        "script": [gettext(step) for step in selectors.script_for(ticket)],
    }


def _act(request: HttpRequest, ticket_id: int, service: Any, **args: Any) -> dict[str, Any]:
    user = signed_in(request)
    ticket = selectors.ticket_for(user, ticket_id)
    service(actor=user, now=clock.now(), ticket=ticket, **args)
    return _fresh(user, ticket_id)


@router.post("/{ticket_id}/read-back", response=TicketDetailOut, summary="Read it back (E3, E2)")
def ticket_read_back(request: HttpRequest, ticket_id: PathId) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_read_back)


@router.post("/{ticket_id}/confirm", response=TicketDetailOut, summary="Customer confirmed (E2)")
def ticket_confirm(request: HttpRequest, ticket_id: PathId) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_confirm)


@router.post(
    "/{ticket_id}/window", response=TicketDetailOut, summary="Visit window (A5, C1, D1, D6)"
)
def ticket_window(request: HttpRequest, ticket_id: PathId, body: WindowIn) -> dict[str, Any]:
    return _act(
        request,
        ticket_id,
        services.ticket_set_window,
        start=body.start,
        end=body.end,
        customer_chose_later=body.customer_chose_later,
        later_reason=body.later_reason,
    )


@router.post("/{ticket_id}/options", response=TicketDetailOut, summary="Options and choice (C4)")
def ticket_options(request: HttpRequest, ticket_id: PathId, body: OptionsIn) -> dict[str, Any]:
    return _act(
        request,
        ticket_id,
        services.ticket_record_options,
        offered=[str(option) for option in body.offered],
        chosen=str(body.chosen),
    )


@router.post("/{ticket_id}/solve", response=TicketDetailOut, summary="Solved on the phone (D2)")
def ticket_solve(request: HttpRequest, ticket_id: PathId, body: ResolutionIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_solve, resolution=body.resolution)


@router.post("/{ticket_id}/callback", response=TicketDetailOut, summary="Promise a callback (D11)")
def ticket_callback(request: HttpRequest, ticket_id: PathId) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_promise_callback)


@router.post("/{ticket_id}/escalate", response=EscalationOut, summary="Escalate by hand (A6)")
def ticket_escalate(request: HttpRequest, ticket_id: PathId, body: CaseReasonIn) -> dict[str, Any]:
    user = signed_in(request)
    ticket = selectors.ticket_for(user, ticket_id)
    found = services.ticket_escalate(actor=user, now=clock.now(), ticket=ticket, reason=body.reason)
    return {"id": found.pk, "level": found.level, "at": found.at, "reason": found.reason}


@router.post("/{ticket_id}/reassign", response=TicketDetailOut, summary="Hand it on (B10)")
def ticket_reassign(request: HttpRequest, ticket_id: PathId, body: ReassignIn) -> dict[str, Any]:
    agent = User.objects.get(
        username=body.to_agent, role__in=[Role.AGENT, Role.TEAM_LEAD], is_active=True
    )
    return _act(request, ticket_id, services.ticket_reassign, to_agent=agent, reason=body.reason)


@router.post("/{ticket_id}/approve", response=TicketDetailOut, summary="Special request (D1)")
def ticket_approve_special(
    request: HttpRequest, ticket_id: PathId, body: ApprovalIn
) -> dict[str, Any]:
    return _act(
        request,
        ticket_id,
        services.ticket_approve_special,
        approved=body.approved,
        reason=body.reason,
    )


@router.post("/{ticket_id}/bounce", response=TicketDetailOut, summary="Send it back (E3)")
def ticket_bounce(request: HttpRequest, ticket_id: PathId, body: CaseReasonIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_bounce, reason=body.reason)


@router.post(
    "/{ticket_id}/complaint/settle", response=TicketDetailOut, summary="Settled on the call (D9)"
)
def complaint_settle(request: HttpRequest, ticket_id: PathId, body: OutcomeIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_settle, outcome=body.outcome)


@router.post(
    "/{ticket_id}/complaint/escalate", response=TicketDetailOut, summary="To the team lead (D9)"
)
def complaint_escalate(
    request: HttpRequest, ticket_id: PathId, body: CaseReasonIn
) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_escalate, reason=body.reason)


@router.post(
    "/{ticket_id}/complaint/engineer",
    response=TicketDetailOut,
    summary="To the region's engineer (D9)",
)
def complaint_hand_to_engineer(
    request: HttpRequest, ticket_id: PathId, site_id: QueryId = None
) -> dict[str, Any]:
    """`site_id`: the customer's site whose region's engineer answers, when the complaint has
    none (neither its own nor the case's it is about)."""
    site = CustomerSite.objects.get(pk=site_id) if site_id else None
    return _act(request, ticket_id, services.complaint_hand_to_engineer, site=site)


@router.post(
    "/{ticket_id}/complaint/answer", response=TicketDetailOut, summary="The engineer's reply (D9)"
)
def complaint_answer(request: HttpRequest, ticket_id: PathId, body: OutcomeIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_answer, outcome=body.outcome)


@router.post(
    "/{ticket_id}/incident/decide", response=TicketDetailOut, summary="The manager decides (D10)"
)
def incident_decide(request: HttpRequest, ticket_id: PathId, body: DecisionIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.incident_decide, decision=body.decision)


@router.post(
    "/{ticket_id}/incident/report", response=TicketDetailOut, summary="Written report (D10)"
)
def incident_file_report(request: HttpRequest, ticket_id: PathId, body: ReportIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.incident_file_report, report=body.report)
