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


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words, people_keys
    from hotline.tickets.choices import (
        ComplaintState,
        IncidentKind,
        IncidentState,
        ServiceOption,
        TicketKind,
        TicketState,
    )
    from hotline.tickets.models import Ticket

    people_keys("owner", "engineer")
    entity_words(
        TicketsEntity.TICKET,
        _("case"),
        filter="case",
        number=lambda pk: Ticket(pk=int(pk)).number,
        states={
            "state": TicketState,
            "kind": TicketKind,
            "complaint": ComplaintState,
            "incident": (IncidentState, IncidentKind),
            "chosen": ServiceOption,
            "offered": ServiceOption,
        },
    )
    entity_words(TicketsEntity.CUSTOMER, _("customer"))
    t = TicketsEntity.TICKET
    for entity, action, template in (
        (t, TicketAction.CREATED, _("%(actor)s opened case %(id)s (%(kind)s)")),
        (t, TicketAction.EDITED, _("%(actor)s edited the facts of case %(id)s")),
        (t, TicketAction.WINDOW_SET, _("%(actor)s set the visit window of case %(id)s")),
        (
            t,
            TicketAction.OPTIONS_RECORDED,
            _("%(actor)s recorded the options of case %(id)s: %(offered)s; chosen: %(chosen)s"),
        ),
        (t, TicketAction.READ_BACK, _("%(actor)s read case %(id)s back to the customer")),
        (t, TicketAction.CONFIRMED, _("The customer confirmed case %(id)s (%(old)s → %(new)s)")),
        (
            t,
            TicketAction.SPECIAL_APPROVED,
            _("%(actor)s approved the special request of case %(id)s"),
        ),
        (
            t,
            TicketAction.SPECIAL_REFUSED,
            _("%(actor)s refused the special request of case %(id)s"),
        ),
        (t, TicketAction.BOUNCED, _("%(actor)s sent case %(id)s back to %(owner)s")),
        (t, TicketAction.CALL_LINKED, _("%(actor)s linked call #%(call)s to case %(id)s")),
        (t, TicketAction.SOLVED, _("%(actor)s solved case %(id)s (%(old)s → %(new)s)")),
        (
            t,
            TicketAction.CALLBACK_PROMISED,
            _("%(actor)s promised a callback on case %(id)s by %(callback_due)s"),
        ),
        (t, TicketAction.CALLBACK_WARNING, _("The callback promised on case %(id)s is due soon")),
        (
            t,
            TicketAction.CALLBACK_LATE,
            _("The callback promised on case %(id)s is late (due %(due)s)"),
        ),
        (
            t,
            TicketAction.REASSIGNED,
            _("%(actor)s gave case %(id)s from %(old_owner)s to %(owner)s"),
        ),
        (t, TicketAction.ESCALATED, _("Case %(id)s escalated to level %(level)s")),
        (t, TicketAction.WORK_ORDER_LATE, _("Case %(id)s has no work order in time (due %(due)s)")),
        (t, TicketAction.CHASED, _("%(actor)s recorded that the customer chased case %(id)s")),
        (t, TicketAction.CHASE_REPLIED, _("%(actor)s replied to the chase on case %(id)s")),
        (t, TicketAction.CHASE_REPLY_DUE, _("The reply to the chase on case %(id)s is due")),
        (
            t,
            TicketAction.COMPLAINT_ABOUT,
            _("%(actor)s recorded a complaint about work order #%(order)s (case %(id)s)"),
        ),
        (
            t,
            TicketAction.COMPLAINT_SETTLED,
            _("%(actor)s settled the complaint of case %(id)s on the call"),
        ),
        (
            t,
            TicketAction.COMPLAINT_ESCALATED,
            _("%(actor)s sent the complaint of case %(id)s to the team lead"),
        ),
        (
            t,
            TicketAction.COMPLAINT_TO_ENGINEER,
            _("%(actor)s handed the complaint of case %(id)s to %(engineer)s"),
        ),
        (t, TicketAction.COMPLAINT_ANSWERED, _("%(actor)s answered the complaint of case %(id)s")),
        (
            t,
            TicketAction.ENGINEER_REPLY_LATE,
            _("The engineer's reply on case %(id)s is late (due %(due)s)"),
        ),
        (
            t,
            TicketAction.INCIDENT_REPORTED,
            _("%(actor)s reported an incident on case %(id)s: %(incident)s"),
        ),
        (t, TicketAction.INCIDENT_DECIDED, _("%(actor)s decided the incident of case %(id)s")),
        (
            t,
            TicketAction.INCIDENT_REPORT_FILED,
            _("%(actor)s filed the written incident report of case %(id)s"),
        ),
        (t, TicketAction.REOPENED, _("%(actor)s reopened case %(id)s after the follow-up")),
        (t, TicketAction.SECOND_DISPATCH_WAITING, _("Case %(id)s waits for a second visit")),
        (
            TicketsEntity.CUSTOMER,
            CustomerAction.RECORD_REQUESTED,
            _("%(actor)s asked for the record of customer %(id)s"),
        ),
    ):
        describe(entity, action, template)
