"""What the cases API takes and gives. Every input is bounded as the pages and columns are
(lengths from `hotline.tickets.limits` and the models), every id and page number has its range
and every choice is an enum, so the OpenAPI says what is accepted before anything is sent."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import P, QueryEx, Schema
from pydantic import Field, StringConstraints

from hotline.bounds import Flag, Id, Moment
from hotline.directory.choices import Zone
from hotline.directory.selectors import SEARCH_LENGTH
from hotline.tickets import limits
from hotline.tickets.choices import IncidentKind, ServiceOption, TicketKind, TicketState
from hotline.tickets.models import LATER_REASON_LENGTH

SearchText = QueryEx[str, P(max_length=SEARCH_LENGTH)]


USERNAME_LENGTH = 150  # User.username

# Strings of at most so many characters (OpenAPI: maxLength).
StepText = Annotated[str, StringConstraints(max_length=limits.SCRIPT_STEP_LENGTH)]
AnswerText = Annotated[str, StringConstraints(max_length=limits.SCRIPT_ANSWER_LENGTH)]
SymptomText = Annotated[str, StringConstraints(max_length=limits.SYMPTOM_LENGTH)]
StepsTriedText = Annotated[str, StringConstraints(max_length=limits.STEPS_TRIED_LENGTH)]
ContactName = Annotated[str, StringConstraints(max_length=limits.CONTACT_NAME_LENGTH)]
ContactPhone = Annotated[str, StringConstraints(max_length=limits.CONTACT_PHONE_LENGTH)]
SpecialText = Annotated[str, StringConstraints(max_length=limits.SPECIAL_REQUEST_LENGTH)]
LaterReason = Annotated[str, StringConstraints(max_length=LATER_REASON_LENGTH)]
ResolutionText = Annotated[str, StringConstraints(max_length=limits.RESOLUTION_LENGTH)]
ReasonText = Annotated[str, StringConstraints(max_length=limits.REASON_LENGTH)]
Username = Annotated[str, StringConstraints(max_length=USERNAME_LENGTH)]
OutcomeText = Annotated[str, StringConstraints(max_length=limits.OUTCOME_LENGTH)]
DecisionText = Annotated[str, StringConstraints(max_length=limits.DECISION_LENGTH)]
ReportText = Annotated[str, StringConstraints(max_length=limits.REPORT_LENGTH)]
NO_CHOICE = Literal[""]  # "not given": every filter and optional choice may be empty


# --- out ----------------------------------------------------------------------------------------


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
    later_date_reason: str
    later_date_by: str | None
    later_date_at: datetime | None
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
    work_order_id: int | None
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


class TicketsOut(Schema):
    page: int
    has_next: bool
    tickets: list[TicketOut]


class QualityOut(Schema):
    ready: bool
    missing: list[MissingOut]
    script: list[str]


class EscalationOut(Schema):
    id: int
    level: int
    at: datetime
    reason: str


# --- in -----------------------------------------------------------------------------------------


class ScriptAnswerIn(Schema):
    """E4: one scripted step walked through: the step's text as the script has it, whether it
    was done, and what the customer saw."""

    step: StepText
    done: Flag = False
    answer: AnswerText = ""


ScriptAnswers = Annotated[list[ScriptAnswerIn], Field(max_length=limits.SCRIPT_STEPS_MAX)]


class TicketIn(Schema):
    customer_id: Id
    kind: TicketKind
    call_id: Id | None = None
    updates_id: Id | None = None
    site_id: Id | None = None
    equipment_id: Id | None = None
    category_id: Id | None = None
    symptom: SymptomText = ""
    contact_name: ContactName = ""
    contact_phone: ContactPhone = ""
    incident_kind: IncidentKind | NO_CHOICE = ""
    script_answers: ScriptAnswers = []


class EditIn(Schema):
    symptom: SymptomText | None = None
    steps_tried: StepsTriedText | None = None
    script_answers: ScriptAnswers | None = None
    contact_name: ContactName | None = None
    contact_phone: ContactPhone | None = None
    special_request: SpecialText | None = None
    site_id: Id | None = None
    equipment_id: Id | None = None
    category_id: Id | None = None


class WindowIn(Schema):
    """A5 / C1 / D6: ISO 8601 with a time zone; a window ending past the response limit needs
    `customer_chose_later` and a `later_reason` (D6). Windows start at most 15 min in the past,
    end within 180 days and last at most 24 h (else 422)."""

    start: Moment
    end: Moment
    customer_chose_later: Flag = False
    later_reason: LaterReason = ""


class OptionsIn(Schema):
    offered: Annotated[list[ServiceOption], Field(max_length=len(ServiceOption))]
    chosen: ServiceOption


class ResolutionIn(Schema):
    resolution: ResolutionText


class CaseReasonIn(Schema):
    reason: ReasonText


class ReassignIn(Schema):
    to_agent: Username
    reason: ReasonText


class ApprovalIn(Schema):
    approved: Flag
    reason: ReasonText = ""


class OutcomeIn(Schema):
    outcome: OutcomeText


class DecisionIn(Schema):
    decision: DecisionText


class ReportIn(Schema):
    report: ReportText


StateFilter = QueryEx[TicketState | NO_CHOICE, P()]
KindFilter = QueryEx[TicketKind | NO_CHOICE, P()]


# --- look-ups: what a case is opened with --------------------------------------------------


class CustomerOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    language: str
    time_zone: str


class CustomersOut(Schema):
    page: int
    has_next: bool
    customers: list[CustomerOut]


class SiteOut(Schema):
    id: int
    customer_id: int
    address: str
    region: str
    zone: Zone
    business_premises: bool


class SitesOut(Schema):
    page: int
    has_next: bool
    sites: list[SiteOut]


class EquipmentOut(Schema):
    id: int
    site_id: int
    kind: str = Field(description="A usual kind's code (washing_machine...) or free text")
    kind_label: str = Field(description="The kind in the reader's language")
    model: str
    serial: str
    installed_on: date | None


class EquipmentListOut(Schema):
    page: int
    has_next: bool
    equipment: list[EquipmentOut]


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    steps: list[str]


class CategoriesOut(Schema):
    page: int
    has_next: bool
    categories: list[CategoryOut]
