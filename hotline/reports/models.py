from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FaultAlert(models.Model):
    """D13: a fault category's share was abnormally high in a month; the engineer was told.

    One row per category and month, so a report run twice alerts once. The figures are the
    ones the test saw when it fired (the event carries them too).
    """

    month = models.DateField(_("month"))
    category = models.ForeignKey(
        "tickets.FaultCategory", on_delete=models.PROTECT, related_name="alerts"
    )
    count = models.PositiveIntegerField(_("cases"))
    total = models.PositiveIntegerField(_("all field cases"))
    share = models.FloatField(_("share"))
    baseline = models.FloatField(_("usual share"))
    p_value = models.FloatField(_("p-value"))
    raised_at = models.DateTimeField(_("raised"))
    notified = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("told")
    )

    class Meta:
        verbose_name = _("fault-share alert")
        verbose_name_plural = _("fault-share alerts")
        ordering = ["-month", "category"]
        constraints = [
            models.UniqueConstraint(fields=["month", "category"], name="fault_alert_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category_id}"
