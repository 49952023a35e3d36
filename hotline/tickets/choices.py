from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    """The kinds of case the centre records (POLICIES.md D2, D9, D10, D11, E1)."""

    REPAIR = "repair", _("Repair")
    INSTALLATION = "installation", _("Installation")
    COMMISSIONING = "commissioning", _("Commissioning")
    COMPLAINT = "complaint", _("Complaint")
    ENQUIRY = "enquiry", _("Enquiry")
    INCIDENT = "incident", _("Special incident")
    CHASE = "chase", _("Customer chase")


# Kinds that need a technician on site, so become work orders (D2, E1).
FIELD_KINDS = frozenset({TicketKind.REPAIR, TicketKind.INSTALLATION, TicketKind.COMMISSIONING})


class TicketState(models.TextChoices):
    OPEN = "open", _("Being written")
    READ_BACK = "read_back", _("Read back")
    TO_DISPATCH = "to_dispatch", _("Waiting for dispatch")
    BOUNCED = "bounced", _("Sent back to the agent")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for the team lead")
    DISPATCHED = "dispatched", _("Dispatched")
    CALLBACK_DUE = "callback_due", _("Callback due")
    ESCALATED = "escalated", _("Escalated")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_TICKET_STATES = frozenset(
    {
        TicketState.OPEN,
        TicketState.READ_BACK,
        TicketState.TO_DISPATCH,
        TicketState.BOUNCED,
        TicketState.AWAITING_APPROVAL,
        TicketState.DISPATCHED,
        TicketState.CALLBACK_DUE,
        TicketState.ESCALATED,
    }
)


class ServiceOption(models.TextChoices):
    """What the customer may be offered (C4)."""

    REPAIR = "repair", _("Repair")
    REPLACE = "replace", _("Replacement")
    REFUND = "refund", _("Refund")
    OTHER = "other", _("Other")


class IncidentKind(models.TextChoices):
    """Special incidents of D10."""

    PROPERTY_DAMAGE = "property_damage", _("Property damage")
    INJURY = "injury", _("Injury")
    MEDIA = "media", _("Media exposure")


class ComplaintState(models.TextChoices):
    """D9: recorded; settled on the call, or team lead → region's after-sales engineer → outcome."""

    RECORDED = "recorded", _("Recorded")
    SETTLED = "settled", _("Settled on the call")
    WITH_LEAD = "with_lead", _("With the team lead")
    WITH_ENGINEER = "with_engineer", _("With the after-sales engineer")
    ANSWERED = "answered", _("Answered")


class IncidentState(models.TextChoices):
    """D10: team lead and manager told at once, manager decides, team lead files the report."""

    REPORTED = "reported", _("Reported to the team lead and the manager")
    DECIDED = "decided", _("Decided by the manager")
    CLOSED = "closed", _("Written report filed")
