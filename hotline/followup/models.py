"""D12 / C6: one follow-up decision per completed work order, and the call's result."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.followup.choices import FollowUpState
from hotline.tickets.choices import TicketKind


class FollowUp(models.Model):
    work_order = models.OneToOneField(
        "dispatch.WorkOrder", on_delete=models.PROTECT, related_name="followup"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="followups")
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    share = models.PositiveSmallIntegerField(_("sampling share (%)"))
    state = models.CharField(_("state"), max_length=12, choices=FollowUpState.choices)
    planned_at = models.DateTimeField(_("planned"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("calls without an answer"), default=0)
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    resolved = models.BooleanField(_("resolved"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    second_dispatch = models.ForeignKey(
        "dispatch.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second dispatch"),
    )

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at", "id"], name="followup_state_due"),
            models.Index(fields=["ticket"], name="followup_ticket"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"F-{self.pk:06d}" if self.pk else "F-new"
