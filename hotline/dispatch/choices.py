from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkOrderState(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CONTACTED = "contacted", _("Customer contacted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SIGNED = "signed", _("Signed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER_STATES = frozenset(
    {
        WorkOrderState.DISPATCHED,
        WorkOrderState.ACKNOWLEDGED,
        WorkOrderState.CONTACTED,
        WorkOrderState.IN_PROGRESS,
    }
)


class DelayReason(models.TextChoices):
    """Reason codes of C3: every delay has one, and the customer is told."""

    PARTS = "parts", _("Waiting for spare parts")
    TECHNICIAN = "technician", _("Technician unavailable")
    CUSTOMER = "customer", _("Customer not available")
    ACCESS = "access", _("No access to the site")
    WEATHER = "weather", _("Weather or traffic")
    DIAGNOSIS = "diagnosis", _("Needs further diagnosis")
    OTHER = "other", _("Other")


class ReportKind(models.TextChoices):
    """What the provider tells the centre about an order (D4)."""

    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CONTACTED = "contacted", _("Customer contacted, visit agreed")
    STATUS = "status", _("Status report")
    DELAY = "delay", _("Delay")
    COMPLETED = "completed", _("Completed")


class UrgeReason(models.TextChoices):
    D4_MISSED = "d4_missed", _("No contact or status report in time (D4)")
    NO_FEEDBACK = "no_feedback", _("No feedback after the report (D5)")
    DAILY_CLEARING = "daily_clearing", _("Unfinished at close (D7)")
    CUSTOMER_CHASE = "customer_chase", _("The customer chased (D8)")
    LATE = "late", _("Over the response limit (D6)")
