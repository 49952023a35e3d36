"""The cases' event vocabulary: what the audit log calls tickets and their actions (B, C, D, E).

The strings are stored in `audit.Event` rows and read back by the case page's history
(`ACTION_LABELS`), the reports and the customer's record (portal): they never change (old events
must stay readable). A StrEnum member *is* its string. Dispatch and follow-up write some ticket
events too (a chase, a reopened case): they use these names.
"""

from enum import StrEnum


class TicketsEntity(StrEnum):
    TICKET = "tickets.ticket"
    CUSTOMER = "tickets.customer"


class TicketAction(StrEnum):
    CREATED = "created"
    CALL_LINKED = "call_linked"  # E4, new: call (a call about this case, from the screen pop)
    EDITED = "edited"  # E3, old/new: the facts changed
    WINDOW_SET = "window_set"  # E1
    OPTIONS_RECORDED = "options_recorded"  # E2
    READ_BACK = "read_back"  # E2
    CONFIRMED = "confirmed"  # E2
    SPECIAL_APPROVED = "special_approved"
    SPECIAL_REFUSED = "special_refused"
    BOUNCED = "bounced"  # sent back by the dispatcher
    SOLVED = "solved"
    CALLBACK_PROMISED = "callback_promised"
    CALLBACK_WARNING = "callback_warning"  # B7
    CALLBACK_LATE = "callback_late"
    REASSIGNED = "reassigned"
    ESCALATED = "escalated"
    WORK_ORDER_LATE = "work_order_late"
    CHASED = "chased"  # D8, new: reply_promised_by, order
    CHASE_REPLIED = "chase_replied"  # D8
    CHASE_REPLY_DUE = "chase_reply_due"  # D8
    COMPLAINT_ABOUT = "complaint_about"  # D9
    COMPLAINT_SETTLED = "complaint_settled"
    COMPLAINT_ESCALATED = "complaint_escalated"
    COMPLAINT_TO_ENGINEER = "complaint_to_engineer"
    COMPLAINT_ANSWERED = "complaint_answered"
    ENGINEER_REPLY_LATE = "engineer_reply_late"
    INCIDENT_REPORTED = "incident_reported"  # D10
    INCIDENT_DECIDED = "incident_decided"
    INCIDENT_REPORT_FILED = "incident_report_filed"
    REOPENED = "reopened"  # D12, by a follow-up that found the repair unresolved
    SECOND_DISPATCH_WAITING = "second_dispatch_waiting"  # D12


class CustomerAction(StrEnum):
    RECORD_REQUESTED = "record_requested"  # the customer asked for their record (portal)


ACTIONS: dict[TicketsEntity, type[StrEnum]] = {
    TicketsEntity.TICKET: TicketAction,
    TicketsEntity.CUSTOMER: CustomerAction,
}
