"""Case pages: the agent's forms and lists, and the team lead's and manager's pages."""

from hotline.tickets.views.case_list import case_list
from hotline.tickets.views.cases import act, chase, detail, hints, new_ticket, reassign
from hotline.tickets.views.desk import link_call
from hotline.tickets.views.supervision import (
    approvals,
    approve,
    complaint_hand,
    complaint_reply,
    complaints,
    incident_decision,
    incident_report,
    incidents,
)

__all__ = [
    "act",
    "approvals",
    "approve",
    "case_list",
    "chase",
    "complaint_hand",
    "complaint_reply",
    "complaints",
    "detail",
    "hints",
    "incident_decision",
    "incident_report",
    "incidents",
    "link_call",
    "new_ticket",
    "reassign",
]
