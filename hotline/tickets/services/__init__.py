"""Tickets services: every state change of a case (rules A5, A6, B10, C1, C2, C4, D1,
D2, D9, D10, D11, E2, E3, E4)."""

from hotline.tickets.services.cases import ticket_create, ticket_edit
from hotline.tickets.services.complaints import (
    complaint_answer,
    complaint_escalate,
    complaint_hand_to_engineer,
    complaint_settle,
)
from hotline.tickets.services.escalation import ticket_escalate
from hotline.tickets.services.handling import (
    ticket_bounce,
    ticket_promise_callback,
    ticket_reassign,
    ticket_solve,
)
from hotline.tickets.services.incidents import incident_decide, incident_file_report
from hotline.tickets.services.readback import (
    ticket_approve_special,
    ticket_confirm,
    ticket_read_back,
    ticket_record_options,
)
from hotline.tickets.services.window import ticket_set_window

__all__ = [
    "complaint_answer",
    "complaint_escalate",
    "complaint_hand_to_engineer",
    "complaint_settle",
    "incident_decide",
    "incident_file_report",
    "ticket_approve_special",
    "ticket_bounce",
    "ticket_confirm",
    "ticket_create",
    "ticket_edit",
    "ticket_escalate",
    "ticket_promise_callback",
    "ticket_read_back",
    "ticket_reassign",
    "ticket_record_options",
    "ticket_set_window",
    "ticket_solve",
]
