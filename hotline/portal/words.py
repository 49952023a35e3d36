"""The customer's words for what happened on their account (the E5 record as a person reads it,
and the portal): no event codes, state keys, rule ids or staff logins.

The record's JSON and CSV keep the codes (for machines); its PDF says each change in words in
the customer's language, a state by its label, and who did it as the customer knows them: the
provider by its name, our staff by name or as "our agent", the customer as "you".
"""

from typing import Any

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.dispatch.choices import DelayReason, WorkOrderState
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.followup.choices import FollowUpState
from hotline.followup.events import FollowUpAction, FollowUpEntity
from hotline.tickets.choices import TicketState
from hotline.tickets.events import CustomerAction, TicketAction, TicketsEntity

TICKET = TicketsEntity.TICKET
CUSTOMER = TicketsEntity.CUSTOMER
ORDER = DispatchEntity.WORK_ORDER
FOLLOWUP = FollowUpEntity.FOLLOWUP

EVENT_WORDS: dict[tuple[str, str], Promise] = {
    (TICKET, TicketAction.CREATED): _("Your case was opened"),
    (TICKET, TicketAction.EDITED): _("The details of your case were updated"),
    (TICKET, TicketAction.WINDOW_SET): _("A time for the visit was agreed"),
    (TICKET, TicketAction.OPTIONS_RECORDED): _("The options offered and your choice were noted"),
    (TICKET, TicketAction.READ_BACK): _("Your case was read back to you"),
    (TICKET, TicketAction.CONFIRMED): _("You confirmed your case"),
    (TICKET, TicketAction.SPECIAL_APPROVED): _("Your special request was decided"),
    (TICKET, TicketAction.SPECIAL_REFUSED): _("Your special request was decided"),
    (TICKET, TicketAction.BOUNCED): _("Your case was sent back to our agent to complete"),
    (TICKET, TicketAction.SOLVED): _("Your case was solved"),
    (TICKET, TicketAction.CALLBACK_PROMISED): _("We promised to call you back"),
    (TICKET, TicketAction.CALLBACK_WARNING): _("We told you our call may be late"),
    (TICKET, TicketAction.CALLBACK_LATE): _("Our call back to you was late"),
    (TICKET, TicketAction.REASSIGNED): _("Another agent took over your case"),
    (TICKET, TicketAction.ESCALATED): _("Your case was passed to a senior colleague"),
    (TICKET, TicketAction.WORK_ORDER_LATE): _("Sending a technician took longer than planned"),
    (TICKET, TicketAction.CHASED): _("You asked about progress"),
    (TICKET, TicketAction.CHASE_REPLIED): _("We replied to your question"),
    (TICKET, TicketAction.CHASE_REPLY_DUE): _("Our reply to your question was due"),
    (TICKET, TicketAction.COMPLAINT_ABOUT): _("Your complaint was recorded"),
    (TICKET, TicketAction.COMPLAINT_SETTLED): _("Your complaint was settled on the call"),
    (TICKET, TicketAction.COMPLAINT_ESCALATED): _("Your complaint was passed to a team lead"),
    (TICKET, TicketAction.COMPLAINT_TO_ENGINEER): _("Your complaint was passed to our engineer"),
    (TICKET, TicketAction.COMPLAINT_ANSWERED): _("Your complaint was answered"),
    (TICKET, TicketAction.ENGINEER_REPLY_LATE): _("Our engineer's answer took longer"),
    (TICKET, TicketAction.INCIDENT_REPORTED): _("An incident was reported"),
    (TICKET, TicketAction.INCIDENT_DECIDED): _("A manager decided on the incident"),
    (TICKET, TicketAction.INCIDENT_REPORT_FILED): _("A written report on the incident was filed"),
    (TICKET, TicketAction.REOPENED): _("Your case was reopened"),
    (TICKET, TicketAction.SECOND_DISPATCH_WAITING): _("A second visit is being arranged"),
    (ORDER, WorkOrderAction.DISPATCHED): _("A technician was requested"),
    (ORDER, WorkOrderAction.SECOND_DISPATCH): _("A technician was requested again"),
    (ORDER, WorkOrderAction.ACKNOWLEDGED): _("The service provider accepted the work"),
    (ORDER, WorkOrderAction.CONTACTED): _("The service provider contacted you"),
    (ORDER, WorkOrderAction.CONTACT_MISSED): _("The service provider did not contact you in time"),
    (ORDER, WorkOrderAction.STATUS): _("The service provider reported progress"),
    (ORDER, WorkOrderAction.STATUS_MISSED): _("The service provider did not report in time"),
    (ORDER, WorkOrderAction.DELAYED): _("The visit was delayed"),
    (ORDER, WorkOrderAction.URGED): _("We urged the service provider"),
    (ORDER, WorkOrderAction.LATE): _("The visit is later than promised"),
    (ORDER, WorkOrderAction.VISIT_WARNING): _("We told you the visit may be late"),
    (ORDER, WorkOrderAction.COMPLETED): _("The work was completed"),
    (ORDER, WorkOrderAction.SIGNED): _("The service report was signed"),
    (FOLLOWUP, FollowUpAction.PLANNED): _("A follow-up call was planned"),
    (FOLLOWUP, FollowUpAction.SKIPPED): _("No follow-up call was needed"),
    (FOLLOWUP, FollowUpAction.TAKEN): _("We started the follow-up call"),
    (FOLLOWUP, FollowUpAction.RELEASED): _("The follow-up call was rescheduled"),
    (FOLLOWUP, FollowUpAction.RECORDED): _("Your answers to the follow-up call were noted"),
    (FOLLOWUP, FollowUpAction.OVERDUE): _("The follow-up call was late"),
    (CUSTOMER, CustomerAction.RECORD_REQUESTED): _("Your complete record was requested"),
}
OTHER_CHANGE = _("Your account was updated")

STATES: dict[str, type[TextChoices]] = {
    TICKET: TicketState,
    ORDER: WorkOrderState,
    FOLLOWUP: FollowUpState,
}

# The changes whose reason is written for the customer (a delay's reason, the work done, the
# answer to a complaint); others keep notes between staff, which the record's JSON carries.
REASON_SHOWN = frozenset(
    {
        (ORDER, WorkOrderAction.DELAYED),
        (ORDER, WorkOrderAction.COMPLETED),
        (TICKET, TicketAction.SOLVED),
        (TICKET, TicketAction.COMPLAINT_SETTLED),
        (TICKET, TicketAction.COMPLAINT_ANSWERED),
    }
)


def event_words(entity: str, action: str) -> str:
    return str(EVENT_WORDS.get((entity, action), OTHER_CHANGE))


def state_words(entity: str, state: object) -> str:
    """A state key in words, or "" for a state this entity does not name."""
    choices = STATES.get(entity)
    if choices is None or not isinstance(state, str) or state not in choices.values:
        return ""
    return str(choices(state).label)


def reason_words(entity: str, action: str, reason: str) -> str:
    if (entity, action) not in REASON_SHOWN or not reason:
        return ""
    return str(DelayReason(reason).label) if reason in DelayReason.values else reason


def actor_name(user: User | None) -> str:
    """Who made a change, by a name the customer knows: the provider's name for its staff, our
    staff member's full name; "" for the system or a login without a name (see `who_words`)."""
    if user is None:
        return ""
    if user.role == Role.PROVIDER and user.provider is not None:
        return user.provider.name
    return user.get_full_name()


def actor_kind(user: User | None, customer_id: int) -> str:
    """ "system", "you", "provider" or "staff": what to call a change's author without a name."""
    if user is None:
        return "system"
    if user.role == Role.CUSTOMER and user.customer_id == customer_id:
        return "you"
    return "provider" if user.role == Role.PROVIDER else "staff"


WHO_WORDS: dict[str, Promise] = {
    "system": _("automatic"),
    "you": _("you"),
    "provider": _("the service provider"),
    "staff": _("our agent"),
}


def who_words(name: str, kind: str) -> str:
    if kind == "you":
        return str(WHO_WORDS["you"])
    return name or str(WHO_WORDS.get(kind, WHO_WORDS["staff"]))


def described(event: dict[str, Any]) -> dict[str, Any]:
    """An event of the record with its words beside the codes, in the active language."""
    entity, action = event["entity"], event["action"]
    new = event["new"] if isinstance(event.get("new"), dict) else {}
    return event | {
        "what": event_words(entity, action),
        "state_words": state_words(entity, new.get("state")),
        "reason_words": reason_words(entity, action, event.get("reason") or ""),
        "who": who_words(event.get("actor") or "", event.get("actor_kind") or "staff"),
    }
