from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.directory.choices import Channel, Zone
from hotline.dispatch.choices import (
    OPEN_ORDER_STATES,
    DelayReason,
    ReportKind,
    UrgeReason,
    WorkOrderState,
)
from hotline.tickets.choices import ServiceOption

OPEN_STATE_VALUES = sorted(str(state) for state in OPEN_ORDER_STATES)  # stable in migrations
# The provider's own to-do list: open orders and completed ones still waiting for a signature.
UNSIGNED_STATE_VALUES = sorted([*OPEN_STATE_VALUES, str(WorkOrderState.COMPLETED)])


class WorkOrder(models.Model):
    """E1: what the technician gets. It carries the whole ticket and stays linked to it."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="work_orders"
    )
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="work_orders"
    )
    region = models.ForeignKey(
        "directory.Region", on_delete=models.PROTECT, related_name="work_orders"
    )
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=WorkOrderState.choices, default=WorkOrderState.DISPATCHED
    )
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)
    ticket_copy = models.JSONField(_("the ticket as dispatched"))
    second_dispatch_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="second_dispatches"
    )
    dispatched_at = models.DateTimeField(_("dispatched"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # D4 / D5 / D6 deadlines, computed with the business calendar when dispatched.
    contact_due = models.DateTimeField(_("contact due"))
    status_due = models.DateTimeField(_("status due"))
    response_due = models.DateTimeField(_("response due"))  # D6: the zone's limit, the provider's
    # The customer's SLA response time (A5, C2): its own figure, never the provider's D6 limit.
    sla_due = models.DateTimeField(_("customer's SLA due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("customer contacted"), null=True, blank=True)
    visit_start = models.DateTimeField(_("visit from"), null=True, blank=True)
    visit_end = models.DateTimeField(_("visit until"), null=True, blank=True)
    last_report_at = models.DateTimeField(_("last report"), null=True, blank=True)
    late_at = models.DateTimeField(_("marked late"), null=True, blank=True)
    # C4, E6, C5: the work done, the customer's choice, the signature.
    option_chosen = models.CharField(
        _("customer's choice"), max_length=10, choices=ServiceOption.choices, blank=True
    )
    work_done = models.TextField(_("work done"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signature_image = models.TextField(_("signature image"), blank=True)  # data: URL, PNG
    signature_hash = models.CharField(_("signature hash"), max_length=64, blank=True)
    # E6: the exact text the seal was made over, so it verifies after any faithful restore.
    sealed_payload = models.TextField(_("sealed content"), blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-dispatched_at", "-id"]
        # The board and the portal read one page of these orders at a time (p95 under 50 ms
        # with a million tickets); the partial indexes hold only open orders.
        indexes = [
            models.Index(fields=["provider", "state"], name="order_provider_state"),
            models.Index(fields=["state", "-dispatched_at", "-id"], name="order_state_recent"),
            models.Index(fields=["late_at"], name="order_late"),
            models.Index(
                fields=["late_at", "id"],
                name="order_open_late",
                condition=models.Q(state__in=OPEN_STATE_VALUES, late_at__isnull=False),
            ),
            models.Index(
                fields=["dispatched_at", "id"],
                name="order_open_dispatched",
                condition=models.Q(state__in=OPEN_STATE_VALUES),
            ),
            # D3: each provider's open orders counted from the index alone (every board page
            # and every dispatch decision counts them).
            models.Index(
                fields=["provider", "id"],
                name="order_provider_open",
                condition=models.Q(state__in=OPEN_STATE_VALUES),
            ),
            models.Index(
                fields=["provider", "response_due", "id"],
                name="order_provider_open_due",
                condition=models.Q(state__in=UNSIGNED_STATE_VALUES),
            ),
            models.Index(
                fields=["provider", "-dispatched_at", "-id"], name="order_provider_recent"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"W-{self.pk:06d}" if self.pk else "W-new"

    @property
    def is_late(self) -> bool:
        return self.late_at is not None

    def sla_breached(self, now: datetime) -> bool:
        """The customer's SLA response time passed before the job was done (not D6's lateness:
        an urban order may breach a 4 h SLA long before its provider is late at 24 h)."""
        if self.sla_due is None:
            return False
        return (self.completed_at or now) > self.sla_due


class WorkOrderReport(models.Model):
    """Everything the provider reported (D4) and every delay with its reason (C3)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("report"), blank=True)
    delay_reason = models.CharField(
        _("delay reason"), max_length=12, choices=DelayReason.choices, blank=True
    )
    new_time = models.DateTimeField(_("new time"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider report")
        verbose_name_plural = _("provider reports")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.kind}"


class Urge(models.Model):
    """D5 / D7 / D8: the centre urged the provider, when and why."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="urges")
    reason = models.CharField(_("reason"), max_length=16, choices=UrgeReason.choices)
    at = models.DateTimeField(_("urged at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.reason}"


class DeskCheck(models.Model):
    """D4: the provider's desk checked its orders (a visit to the portal's order list).

    Visits closer together than DESK_CHECK_GAP (services/desk.py) are one check, so a refresh storm
    is not many checks; ``day`` is the centre's local day the check counts for."""

    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.CASCADE, related_name="desk_checks"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("checked at"))
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("desk check")
        verbose_name_plural = _("desk checks")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["provider", "day", "at"], name="desk_check_provider_day")]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.at:%Y-%m-%d %H:%M}"
