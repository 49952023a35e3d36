"""Every timer of the rulebook as one indexed row, so the worker can poll, claim and fire it.

A row is claimed for a short lease (`lease_until`) with a conditional update (SKIP LOCKED on
PostgreSQL); firing it and marking it fired happen in one transaction. A worker killed with -9
loses nothing: its lease runs out and another worker takes the row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.deadlines.choices import DeadlineState, kind_label


class Deadline(models.Model):
    kind = models.CharField(_("kind"), max_length=40)  # a key of the handler registry
    rule = models.CharField(_("rule"), max_length=4)
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.PENDING
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="deadlines"
    )
    work_order = models.ForeignKey(
        "dispatch.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    created_at = models.DateTimeField(_("created"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="deadline_pending_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["ticket", "kind"], name="deadline_ticket_kind"),
            models.Index(fields=["work_order", "kind"], name="deadline_order_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.kind} {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        """The kind in the reader's words; an unknown kind (a test's) shows its key."""
        return kind_label(self.kind)
