from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.core.rulebook import SETTINGS, Scope


class Calendar(models.Model):
    """Working days, holidays and time zone of a site (opening hours are rule D1's settings)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, help_text=_("IANA name, e.g. Europe/Sofia")
    )
    working_days = models.JSONField(
        _("working days"), default=list, help_text=_("Weekday numbers, Monday = 0.")
    )

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")

    def __str__(self) -> str:
        return f"{self.name} ({self.time_zone})"


class Holiday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField(_("day"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="one_holiday_a_day")
        ]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class RuleValue(models.Model):
    """An operator's override of one rulebook number, for the deployment or one scope."""

    key = models.CharField(
        _("setting"), max_length=64, choices=[(s.key, f"{s.rule} {s.key}") for s in SETTINGS]
    )
    scope = models.CharField(
        _("scope"),
        max_length=16,
        choices=[(s.value, s.value) for s in Scope],
        default=Scope.DEPLOYMENT,
    )
    scope_ref = models.CharField(
        _("applies to"),
        max_length=64,
        blank=True,
        help_text=_("The id of the team, queue, zone or customer; empty for the whole deployment."),
    )
    value = models.JSONField(_("value"))
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rulebook value")
        verbose_name_plural = _("rulebook values")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "scope", "scope_ref"], name="one_value_per_scope"
            ),
        ]
        ordering = ["key", "scope", "scope_ref"]

    def __str__(self) -> str:
        return f"{self.key} [{self.scope}:{self.scope_ref}]"
