from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.calls.choices import (
    LEAVE_CHOICES,
    AgentStateChoices,
    AlertKind,
    CallbackFailure,
    CallbackState,
    CallState,
    LeaveState,
    OfferOutcome,
    TransferOutcome,
    WrapUpCode,
    state_reason_label,
)
from hotline.core.agent_states import AgentState
from hotline.core.scorecard import ReviewScore, review_score


class Queue(models.Model):
    """A line customers call into; the call-floor rules (A1, A2, A4, B6) may be set per queue."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="queues", verbose_name=_("team")
    )
    overflow_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("overflow to"),
        help_text=_("Where calls go at the maximum wait (A2); empty: they become callbacks."),
    )
    offer_ring_time = models.DurationField(
        _("offer rings for"),
        default=timedelta(seconds=15),
        help_text=_("An unanswered offer goes back to the queue after this time."),
    )
    wrap_up_time = models.DurationField(
        _("wrap-up time"),
        default=timedelta(seconds=30),
        help_text=_("After-call work before the agent is ready again."),
    )
    handle_time_estimate = models.DurationField(
        _("expected handle time"),
        default=timedelta(minutes=5),
        help_text=_("Used to estimate waiting times for the callback offer (A2)."),
    )

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentSession(models.Model):
    """An agent's place on the floor: the state now and since when (one row per agent)."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="floor_session"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=AgentStateChoices.choices,
        default=AgentState.LOGGED_OUT,
    )
    state_since = models.DateTimeField(_("since"))
    ready_since = models.DateTimeField(null=True, blank=True, help_text=_("Idle since (B9)."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    queues = models.ManyToManyField(Queue, related_name="agent_sessions", blank=True)
    logged_in_at = models.DateTimeField(null=True, blank=True)
    wrap_up_ends_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("agent session")
        verbose_name_plural = _("agent sessions")
        indexes = [models.Index(fields=["team", "state", "ready_since"], name="agent_idle")]

    def __str__(self) -> str:
        return f"{self.agent} ({self.state})"

    @property
    def reason_label(self) -> str:
        """Why the agent is in this state, in the reader's language (the reason is a code)."""
        return state_reason_label(self.reason)


WRAP_UP_NOTE_LENGTH = 500  # what the agent writes in a call's wrap-up


class Call(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="calls")
    external_id = models.CharField(_("PBX id"), max_length=100, null=True, blank=True, unique=True)
    caller_number = models.CharField(_("caller number"), max_length=32, blank=True)
    customer = models.ForeignKey(
        "directory.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=5)
    state = models.CharField(
        _("state"), max_length=16, choices=CallState.choices, default=CallState.WAITING
    )
    arrived_at = models.DateTimeField(_("arrived"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    callback_offered_at = models.DateTimeField(null=True, blank=True)
    # A2: an overflowed call waits its own maximum in the next group, counted from here.
    overflowed_at = models.DateTimeField(null=True, blank=True)
    callback = models.ForeignKey(
        "Callback",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attempt_calls",
        help_text=_("Set when this call is an agent calling a customer back (B8)."),
    )
    # On hold now (the SIP edge saw a re-INVITE with a=sendonly/inactive, or a PBX said so):
    # the talk goes on counting (A1), the hold time is added up in `hold_seconds` when it ends.
    held_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(_("time on hold (s)"), default=0)
    talk_warned_at = models.DateTimeField(null=True, blank=True)  # A1 80 %
    talk_alerted_at = models.DateTimeField(null=True, blank=True)  # A1 limit
    # Recorded by the agent in the wrap-up (calls.services.wrap_up): how the call ended.
    wrap_up_code = models.CharField(
        _("wrap-up code"), max_length=20, choices=WrapUpCode.choices, blank=True
    )
    wrap_up_note = models.CharField(_("wrap-up note"), max_length=WRAP_UP_NOTE_LENGTH, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["state", "queue", "priority", "arrived_at"], name="call_waiting"),
            models.Index(fields=["agent", "answered_at"], name="call_agent_day"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.caller_number} ({self.state})"

    @property
    def talk_time(self) -> timedelta | None:
        """From answer to hang-up; None while the call has not been answered and ended."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.answered_at


# What people type into the floor, as the columns keep it: the API's schemas and the desk page
# bound their input with these (past them PostgreSQL refuses the row: a server error).
CALLBACK_NUMBER_LENGTH = 32
TRANSFER_REASON_LENGTH = 300


class Callback(models.Model):
    """A promised call back to the customer at an agreed time (rule B8)."""

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="callbacks")
    number = models.CharField(_("number"), max_length=CALLBACK_NUMBER_LENGTH)
    customer = models.ForeignKey(
        "directory.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
    )
    origin_call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=5)
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("until"))
    state = models.CharField(
        _("state"), max_length=16, choices=CallbackState.choices, default=CallbackState.SCHEDULED
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(
        _("failed because"), max_length=16, choices=CallbackFailure.choices, blank=True
    )

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [models.Index(fields=["state", "queue", "window_start"], name="callback_due")]

    def __str__(self) -> str:
        return f"{self.number} {self.window_start:%H:%M}"


class Offer(models.Model):
    """A call or callback ringing on one agent's desk until accepted, declined or expired."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="offers"
    )
    callback = models.ForeignKey(
        Callback, null=True, blank=True, on_delete=models.CASCADE, related_name="offers"
    )
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(
        max_length=10, choices=OfferOutcome.choices, default=OfferOutcome.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    candidates = models.JSONField(default=list, help_text=_("Eligible agents, in order (B9)."))

    class Meta:
        constraints = [
            # One call or callback rings on at most one desk at a time.
            models.UniqueConstraint(
                fields=["call"],
                condition=models.Q(outcome="pending"),
                name="one_pending_offer_per_call",
            ),
            models.UniqueConstraint(
                fields=["callback"],
                condition=models.Q(outcome="pending"),
                name="one_pending_offer_per_callback",
            ),
            models.UniqueConstraint(
                fields=["agent"],
                condition=models.Q(outcome="pending"),
                name="one_pending_offer_per_agent",
            ),
            models.CheckConstraint(
                condition=models.Q(call__isnull=False, callback__isnull=True)
                | models.Q(call__isnull=True, callback__isnull=False),
                name="offer_is_for_a_call_or_a_callback",
            ),
        ]

    def __str__(self) -> str:
        return f"offer {self.pk} to {self.agent_id} ({self.outcome})"


class Transfer(models.Model):
    """A request to hand a call to a colleague, who must accept it (rule A4)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transfers")
    from_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=TRANSFER_REASON_LENGTH)
    requested_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(
        max_length=10, choices=TransferOutcome.choices, default=TransferOutcome.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=models.Q(outcome="pending"),
                name="one_pending_transfer_per_call",
            ),
        ]

    def __str__(self) -> str:
        return f"transfer of call {self.call_id} to {self.to_agent_id} ({self.outcome})"


class BreakRequest(models.Model):
    """A break, lunch or personal time off the floor asked for, started, ended or refused
    (B2-B6). Days of leave are workforce's `LeaveRequest` (D14)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_requests"
    )
    kind = models.CharField(max_length=10, choices=LEAVE_CHOICES)
    state = models.CharField(max_length=12, choices=LeaveState.choices)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    refused_rule = models.CharField(max_length=4, blank=True)
    overrun_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "calls_leaverequest"  # its name before the rename: the data stays where it is
        indexes = [models.Index(fields=["agent", "requested_at"], name="leave_agent_day")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.agent_id} ({self.state})"


class Alert(models.Model):
    """Something the team lead must see: talk time (A1), a breach (A2), a break overrun (B2)."""

    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    rule = models.CharField(max_length=4)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="alerts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    raised_at = models.DateTimeField(db_index=True)
    # What it warned of is over (the agent's phone is back, the SIP edge answers again): no
    # longer waiting for the lead, whether seen or not.
    cleared_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.rule} {self.kind} {self.raised_at:%H:%M}"


class CallReview(models.Model):
    """A team lead's quality review of one answered call against the scorecard (B11).

    One per call, never edited: it is what the agent was told about that call. `score` and
    `conduct_breach` are worked out from `marks` by the core when the review is written and kept
    with it, so lists and summaries can add them up in the database.
    """

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="review")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_reviews",
        verbose_name=_("agent"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"))
    marks = models.JSONField(_("marks"))  # {criterion code: "met" | "not_met" | "na"}
    comment = models.TextField(_("comment"), blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    conduct_breach = models.BooleanField(_("conduct breach (B11)"), default=False)

    class Meta:
        verbose_name = _("call review")
        verbose_name_plural = _("call reviews")
        indexes = [models.Index(fields=["agent", "reviewed_at"], name="review_agent_time")]

    def __str__(self) -> str:
        return f"review of call {self.call_id}"

    @property
    def result(self) -> ReviewScore:
        return review_score(self.marks)


class CtiDelivery(models.Model):
    """A decision the PBX must carry out, kept until its webhook POST is acknowledged (an
    outbox: written in the decision's transaction, so none is lost and none is sent for a
    decision that rolled back). Sent one at a time in the order written, retried until a 2xx.
    `id` is the delivery's id the PBX de-duplicates by; `sequence` numbers the deliveries in
    the order they were first sent, so it never goes back even when transactions commit out of
    their order of writing."""

    payload = models.JSONField()
    created_at = models.DateTimeField()
    sequence = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)  # one sender at a time
    delivered_at = models.DateTimeField(null=True, blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("PBX webhook delivery")
        verbose_name_plural = _("PBX webhook deliveries")
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(delivered_at__isnull=True, given_up_at__isnull=True),
                name="cti_delivery_pending",
            )
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.payload.get('event')})"
