"""Cases over HTTP. Refusals answer 409 {"rule", "detail"}; bad input 422; a ticket the user may
not see answers 404, exactly like one that does not exist (no leak)."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.bounds import Id, Moment, ScriptAnswer
from hotline.calls.models import Call
from hotline.paging import PageNumber, page_of
from hotline.tickets import selectors, services
from hotline.tickets.choices import IncidentKind, ServiceOption, TicketKind, TicketState
from hotline.tickets.models import (
    Complaint,
    Customer,
    CustomerSite,
    Equipment,
    FaultCategory,
    Incident,
    Ticket,
)

router = Router(tags=["tickets"])

PAGE_SIZE = 50


class TicketOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    customer_id: int
    customer: str
    owner: str
    created_at: datetime
    priority: int
    site_id: int | None
    address: str | None
    equipment_id: int | None
    category: str | None
    updates_id: int | None
    call_id: int | None
    symptom: str
    steps_tried: str
    script_answers: list[Any]
    contact_name: str
    contact_phone: str
    window_start: datetime | None
    window_end: datetime | None
    response_due: datetime | None
    resolution_due: datetime | None
    booked_for: date | None
    special_request: str
    special_approved: bool
    options_offered: list[str]
    option_chosen: str
    read_back_text: str
    read_back_at: datetime | None
    bounce_reason: str
    resolution: str
    solved_at: datetime | None
    work_order_due: datetime | None
    callback_due: datetime | None


class MissingOut(Schema):
    code: str
    message: str


class ComplaintOut(Schema):
    state: str
    team_lead: str | None
    engineer: str | None
    handed_at: datetime | None
    reply_due: datetime | None
    replied_at: datetime | None
    outcome: str


class IncidentOut(Schema):
    kind: str
    state: str
    reported_at: datetime
    decision: str
    decided_at: datetime | None
    report: str
    report_filed_at: datetime | None


class TicketDetailOut(TicketOut):
    script: list[str]
    complaint: ComplaintOut | None
    incident: IncidentOut | None


def _name(user: User | None) -> str | None:
    return user.get_username() if user else None


def _out(ticket: Ticket) -> dict[str, Any]:
    plain = {
        field: getattr(ticket, field)
        for field in TicketOut.model_fields
        if field not in ("number", "customer", "owner", "address", "category", "special_approved")
    }
    return plain | {
        "number": ticket.number,
        "customer": ticket.customer.name,
        "owner": ticket.owner.get_username(),
        "address": ticket.site.address if ticket.site else None,
        "category": ticket.category.code if ticket.category else None,
        "special_approved": ticket.special_approved_by_id is not None,
    }


def _detail(ticket: Ticket) -> dict[str, Any]:
    data = _out(ticket) | {"script": selectors.script_for(ticket), "complaint": None}
    complaint = Complaint.objects.filter(ticket=ticket).select_related("team_lead", "engineer")
    for found in complaint[:1] if ticket.kind == TicketKind.COMPLAINT else []:
        data["complaint"] = {
            "state": found.state,
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


class TicketsOut(Schema):
    page: int
    has_next: bool
    tickets: list[TicketOut]


@router.get("", response=TicketsOut, summary="Tickets I may see, newest first, 50 a page")
def tickets_list(
    request: HttpRequest,
    state: TicketState | Literal[""] = "",
    kind: TicketKind | Literal[""] = "",
    page: PageNumber = 1,
) -> dict[str, Any]:
    found = selectors.tickets_for(signed_in(request))
    if state:
        found = found.filter(state=state)
    if kind:
        found = found.filter(kind=kind)
    rows, has_next = page_of(found.order_by("-created_at", "-id"), page, PAGE_SIZE)
    return {"page": page, "has_next": has_next, "tickets": [_out(t) for t in rows]}


class TicketIn(Schema):
    customer_id: Id
    kind: TicketKind
    call_id: Id | None = None
    updates_id: Id | None = None
    site_id: Id | None = None
    equipment_id: Id | None = None
    category_id: Id | None = None
    symptom: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=150)
    contact_phone: str = Field("", max_length=32)
    incident_kind: IncidentKind | Literal[""] = ""
    script_answers: list[ScriptAnswer] = Field([], max_length=50)


@router.post(
    "", response={201: TicketDetailOut}, summary="Take a case (D11, E4, C2, D2, D9, D10, A6)"
)
def ticket_create(request: HttpRequest, body: TicketIn) -> Status[dict[str, Any]]:
    user = signed_in(request)
    ticket = services.ticket_create(
        actor=user,
        now=clock.now(),
        customer=Customer.objects.get(pk=body.customer_id),
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
        script_answers=body.script_answers,
    )
    return Status(201, _fresh(user, ticket.pk))


@router.get("/{ticket_id}", response=TicketDetailOut, summary="One ticket")
def ticket_get(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _fresh(signed_in(request), ticket_id)


class EditIn(Schema):
    symptom: str | None = Field(None, max_length=2000)
    steps_tried: str | None = Field(None, max_length=2000)
    script_answers: list[ScriptAnswer] | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=150)
    contact_phone: str | None = Field(None, max_length=32)
    special_request: str | None = Field(None, max_length=1000)
    site_id: Id | None = None
    equipment_id: Id | None = None
    category_id: Id | None = None


@router.patch("/{ticket_id}", response=TicketDetailOut, summary="Complete the facts (E3)")
def ticket_edit(request: HttpRequest, ticket_id: int, body: EditIn) -> dict[str, Any]:
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


class QualityOut(Schema):
    ready: bool
    missing: list[MissingOut]
    script: list[str]


@router.get("/{ticket_id}/quality", response=QualityOut, summary="What a technician needs (E3)")
def ticket_quality(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
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
def ticket_read_back(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_read_back)


@router.post("/{ticket_id}/confirm", response=TicketDetailOut, summary="Customer confirmed (E2)")
def ticket_confirm(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_confirm)


class WindowIn(Schema):
    start: Moment
    end: Moment


@router.post("/{ticket_id}/window", response=TicketDetailOut, summary="Visit window (A5, C1, D1)")
def ticket_window(request: HttpRequest, ticket_id: int, body: WindowIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_set_window, start=body.start, end=body.end)


class OptionsIn(Schema):
    offered: list[ServiceOption] = Field(max_length=len(ServiceOption))
    chosen: ServiceOption


@router.post("/{ticket_id}/options", response=TicketDetailOut, summary="Options and choice (C4)")
def ticket_options(request: HttpRequest, ticket_id: int, body: OptionsIn) -> dict[str, Any]:
    return _act(
        request,
        ticket_id,
        services.ticket_record_options,
        offered=body.offered,
        chosen=body.chosen,
    )


class ResolutionIn(Schema):
    resolution: str = Field(max_length=2000)


@router.post("/{ticket_id}/solve", response=TicketDetailOut, summary="Solved on the phone (D2)")
def ticket_solve(request: HttpRequest, ticket_id: int, body: ResolutionIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_solve, resolution=body.resolution)


@router.post("/{ticket_id}/callback", response=TicketDetailOut, summary="Promise a callback (D11)")
def ticket_callback(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_promise_callback)


class ReasonIn(Schema):
    reason: str = Field(max_length=1000)


class EscalationOut(Schema):
    id: int
    level: int
    at: datetime
    reason: str


@router.post("/{ticket_id}/escalate", response=EscalationOut, summary="Escalate by hand (A6)")
def ticket_escalate(request: HttpRequest, ticket_id: int, body: ReasonIn) -> dict[str, Any]:
    user = signed_in(request)
    ticket = selectors.ticket_for(user, ticket_id)
    found = services.ticket_escalate(actor=user, now=clock.now(), ticket=ticket, reason=body.reason)
    return {"id": found.pk, "level": found.level, "at": found.at, "reason": found.reason}


class ReassignIn(Schema):
    to_agent: str = Field(max_length=150)
    reason: str = Field(max_length=1000)


@router.post("/{ticket_id}/reassign", response=TicketDetailOut, summary="Hand it on (B10)")
def ticket_reassign(request: HttpRequest, ticket_id: int, body: ReassignIn) -> dict[str, Any]:
    agent = User.objects.get(
        username=body.to_agent, role__in=[Role.AGENT, Role.TEAM_LEAD], is_active=True
    )
    return _act(request, ticket_id, services.ticket_reassign, to_agent=agent, reason=body.reason)


class ApprovalIn(Schema):
    approved: bool
    reason: str = Field("", max_length=1000)


@router.post("/{ticket_id}/approve", response=TicketDetailOut, summary="Special request (D1)")
def ticket_approve_special(
    request: HttpRequest, ticket_id: int, body: ApprovalIn
) -> dict[str, Any]:
    return _act(
        request,
        ticket_id,
        services.ticket_approve_special,
        approved=body.approved,
        reason=body.reason,
    )


@router.post("/{ticket_id}/bounce", response=TicketDetailOut, summary="Send it back (E3)")
def ticket_bounce(request: HttpRequest, ticket_id: int, body: ReasonIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.ticket_bounce, reason=body.reason)


class OutcomeIn(Schema):
    outcome: str = Field(max_length=2000)


@router.post(
    "/{ticket_id}/complaint/settle", response=TicketDetailOut, summary="Settled on the call (D9)"
)
def complaint_settle(request: HttpRequest, ticket_id: int, body: OutcomeIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_settle, outcome=body.outcome)


@router.post(
    "/{ticket_id}/complaint/escalate", response=TicketDetailOut, summary="To the team lead (D9)"
)
def complaint_escalate(request: HttpRequest, ticket_id: int, body: ReasonIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_escalate, reason=body.reason)


@router.post(
    "/{ticket_id}/complaint/engineer",
    response=TicketDetailOut,
    summary="To the region's engineer (D9)",
)
def complaint_hand_to_engineer(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_hand_to_engineer)


@router.post(
    "/{ticket_id}/complaint/answer", response=TicketDetailOut, summary="The engineer's reply (D9)"
)
def complaint_answer(request: HttpRequest, ticket_id: int, body: OutcomeIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.complaint_answer, outcome=body.outcome)


class DecisionIn(Schema):
    decision: str = Field(max_length=4000)


@router.post(
    "/{ticket_id}/incident/decide", response=TicketDetailOut, summary="The manager decides (D10)"
)
def incident_decide(request: HttpRequest, ticket_id: int, body: DecisionIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.incident_decide, decision=body.decision)


class ReportIn(Schema):
    report: str = Field(max_length=10000)


@router.post(
    "/{ticket_id}/incident/report", response=TicketDetailOut, summary="Written report (D10)"
)
def incident_file_report(request: HttpRequest, ticket_id: int, body: ReportIn) -> dict[str, Any]:
    return _act(request, ticket_id, services.incident_file_report, report=body.report)
