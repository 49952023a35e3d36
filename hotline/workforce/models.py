"""Rosters, their shifts, and leave asked for in advance (D14). The maths is hotline.wfm."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class LeaveState(models.TextChoices):
    ASKED = "asked", _("Asked")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Roster(models.Model):
    """A team's plan for `weeks` weeks from a Monday: generated as a draft, then published."""

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="rosters", verbose_name=_("team")
    )
    first_monday = models.DateField(_("first Monday"))
    weeks = models.PositiveSmallIntegerField(_("weeks"))
    state = models.CharField(
        _("state"), max_length=10, choices=RosterState.choices, default=RosterState.DRAFT
    )
    created_at = models.DateTimeField(_("generated"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The solver's figures: objective, LP bound, gap, shortfall, wall seconds, forecast error.
    figures = models.JSONField(default=dict, blank=True)
    # Agents wanted on the phones per day and slot (opening to closing), for the chart.
    required = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-first_monday", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "first_monday"], name="one_roster_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.first_monday:%Y-%m-%d} ({self.state})"


class Shift(models.Model):
    """One agent's day: times in minutes after local midnight, as hotline.wfm plans them."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_shifts"
    )
    day = models.DateField(_("day"))
    prep_start = models.PositiveSmallIntegerField(_("preparation from"))  # B1
    start = models.PositiveSmallIntegerField(_("first call"))
    end = models.PositiveSmallIntegerField(_("end"))
    breaks = models.JSONField(default=list, blank=True)  # [{"kind", "start", "end"}]
    meeting = models.BooleanField(default=False)  # D14: the weekly meeting first

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["day", "start", "agent_id"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "agent", "day"], name="one_shift_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.day} {self.start}-{self.end}"


class LeaveRequest(models.Model):
    """Days off asked in advance, approved or refused by the team lead of the agent's team (D14)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absence_requests"
    )
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=LeaveState.choices, default=LeaveState.ASKED
    )
    asked_at = models.DateTimeField(_("asked"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-first_day"]
        indexes = [models.Index(fields=["agent", "state", "first_day"], name="absence_agent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="leave_days_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.first_day}..{self.last_day} ({self.state})"


class HistoricCall(models.Model):
    """A call from the exchange's records of the time before Hotline answered (issue 20: Asterisk
    or FreeSWITCH CDRs, or a plain CSV): the forecast learns from these as from the floor's own
    calls, so a new centre gets a forecast on its first day. Never shown as a floor call."""

    queue = models.ForeignKey(
        "calls.Queue", on_delete=models.PROTECT, related_name="+", verbose_name=_("queue")
    )
    arrived_at = models.DateTimeField(_("arrived"))
    answered = models.BooleanField(_("answered"))
    wait_seconds = models.PositiveIntegerField(_("wait (s)"))
    talk_seconds = models.PositiveIntegerField(_("talk (s)"))
    source = models.CharField(_("source"), max_length=12)  # asterisk, freeswitch, plain
    # The exchange's id of the call (Asterisk's uniqueid, FreeSWITCH's uuid), else a digest of
    # the record: a file imported twice adds nothing the second time.
    record_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("call from the exchange's history")
        verbose_name_plural = _("calls from the exchange's history")
        indexes = [models.Index(fields=["queue", "arrived_at"], name="historic_call_arrival")]
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="one_historic_record")
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.arrived_at:%Y-%m-%d %H:%M}"
