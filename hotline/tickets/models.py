from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.tickets.choices import (
    ComplaintState,
    IncidentKind,
    IncidentState,
    ServiceOption,
    TicketKind,
    TicketState,
)

LATER_REASON_LENGTH = 300


class FaultCategory(models.Model):
    """A problem category with its scripted first steps (E4) and its share of faults (D13)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    steps = models.JSONField(
        _("scripted first steps"),
        default=list,
        help_text=_("What the agent asks the customer to try, in order (rule E4)."),
    )

    class Meta:
        verbose_name = _("fault category")
        verbose_name_plural = _("fault categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """What the agent writes (E1). Promised deadlines are stored when it is created (C2)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=TicketState.choices, default=TicketState.OPEN
    )
    customer = models.ForeignKey(
        "directory.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    site = models.ForeignKey(
        "directory.CustomerSite",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    equipment = models.ForeignKey(
        "directory.Equipment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    category = models.ForeignKey(
        FaultCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    updates = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updated_by",
        help_text=_("The open case this call is about (rule E4: no script, linked)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_tickets",
        help_text=_("The agent who first took it owns it (rule D11)."),
    )
    created_at = models.DateTimeField(_("created"))
    priority = models.PositiveSmallIntegerField(_("priority"), default=5)
    contract = models.ForeignKey(
        "directory.SlaContract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # E3: the facts a technician needs.
    symptom = models.TextField(_("symptom"), blank=True)
    steps_tried = models.TextField(_("steps already tried"), blank=True)
    script_answers = models.JSONField(_("scripted steps done"), default=list, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    window_start = models.DateTimeField(_("visit from"), null=True, blank=True)
    window_end = models.DateTimeField(_("visit until"), null=True, blank=True)
    # D6: "unless the customer chose a later date": said so, why, by whom and when (audited too).
    later_date_reason = models.CharField(
        _("why the customer chose a later date"), max_length=LATER_REASON_LENGTH, blank=True
    )
    later_date_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    later_date_at = models.DateTimeField(_("later date recorded"), null=True, blank=True)
    # C2: promised when created, from the SLA, the zone and the business calendar.
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    booked_for = models.DateField(_("booked for"), null=True, blank=True)  # D1
    special_request = models.TextField(_("special request"), blank=True)
    special_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # C4: what was offered and what the customer chose.
    options_offered = models.JSONField(_("options offered"), default=list, blank=True)
    option_chosen = models.CharField(
        _("customer's choice"), max_length=10, choices=ServiceOption.choices, blank=True
    )
    # E2: the summary read to the customer and their confirmation.
    read_back_text = models.TextField(_("read-back summary"), blank=True)
    read_back_at = models.DateTimeField(_("confirmed by the customer"), null=True, blank=True)
    # E3: a dispatcher's bounce.
    bounce_reason = models.TextField(_("sent back because"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    # D2 / D11 deadlines (the deadline worker keeps them; these copies are for lists).
    work_order_due = models.DateTimeField(_("work order due"), null=True, blank=True)
    callback_due = models.DateTimeField(_("callback due"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at", "-id"], name="ticket_state_recent"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_recent"),
            models.Index(fields=["owner", "state"], name="ticket_owner_state"),
            models.Index(fields=["-created_at", "-id"], name="ticket_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"T-{self.pk:06d}" if self.pk else "T-new"


class CallLink(models.Model):
    """A call about an existing case, linked from the desk's screen pop (E4: no new case, no
    script). The case a call opened is the case's own `call`."""

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="call_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "ticket"], name="call_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} ← call #{self.call_id}"


class Chase(models.Model):
    """D8: the customer chased; the provider was urged and a reply promised."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="chases")
    at = models.DateTimeField(_("chased at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    reply_promised_by = models.DateTimeField(_("reply promised by"))
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer chase")
        verbose_name_plural = _("customer chases")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M}"


class Complaint(models.Model):
    """D9: settled on the call or escalated; the engineer replies in time; outcome recorded."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="complaint")
    state = models.CharField(_("state"), max_length=16, choices=ComplaintState.choices)
    # D13: the work order complained about (the newest of the case it updates, when recorded),
    # so the provider who did the work is the one charged, even after a second dispatch.
    work_order = models.ForeignKey(
        "dispatch.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_at = models.DateTimeField(_("handed to the engineer"), null=True, blank=True)
    reply_due = models.DateTimeField(_("reply due"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state}"


class Incident(models.Model):
    """D10: special incidents go at once to the team lead and the manager."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="incident")
    kind = models.CharField(_("incident"), max_length=20, choices=IncidentKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=IncidentState.choices)
    reported_at = models.DateTimeField(_("reported"))
    decision = models.TextField(_("manager's decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report = models.TextField(_("written report"), blank=True)
    report_filed_at = models.DateTimeField(_("report filed"), null=True, blank=True)
    report_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("special incident")
        verbose_name_plural = _("special incidents")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class EscalationRule(models.Model):
    """A6 as configuration: a case of this kind still open after this long goes up a level."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("ticket kind"),
        max_length=16,
        choices=TicketKind.choices,
        blank=True,
        help_text=_("Empty for every kind."),
    )
    contract = models.ForeignKey(
        "directory.SlaContract",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="escalations",
        help_text=_("Empty for every contract."),
    )
    open_for = models.DurationField(_("still open after"))
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    notify_role = models.CharField(_("notify role"), max_length=20, blank=True)
    notify_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        ordering = ["level", "open_for"]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """A6: a case went up a level, by a rule on time or by hand with a reason."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    rule = models.ForeignKey(
        EscalationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    at = models.DateTimeField(_("escalated at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "rule"],
                name="escalation_once_per_rule",
                condition=models.Q(rule__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} L{self.level}"
