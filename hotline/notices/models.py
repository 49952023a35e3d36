"""Every message Hotline sends: to customers (C2, C3, B7), providers (D3, D5) and staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.notices.choices import NoticeChannel, NoticeState


class Notice(models.Model):
    customer = models.ForeignKey(
        "directory.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    provider = models.ForeignKey(
        "directory.Provider",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    work_order = models.ForeignKey(
        "dispatch.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    rule = models.CharField(_("rule"), max_length=4, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    address = models.CharField(_("address"), max_length=250, blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.QUEUED
    )
    created_at = models.DateTimeField(_("created"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The outbox (services.notice_deliver): sends tried so far, when the next may be tried, and
    # until when the sender that marked it sending holds it.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="notice_customer_recent"),
            models.Index(fields=["provider", "-created_at"], name="notice_provider_recent"),
            models.Index(fields=["state", "next_attempt_at"], name="notice_outbox"),
        ]

    def __str__(self) -> str:
        return self.subject
