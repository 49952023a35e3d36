from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.tickets.choices import Zone

PHONE_KEY_DIGITS = 9


def phone_key(number: str) -> str:
    """The last digits of a number: the same for "+359 88 100 0000", "088 1000000" and a PBX's
    "359881000000", so a caller is recognised however the number was written."""
    return "".join(ch for ch in number if ch.isdigit())[-PHONE_KEY_DIGITS:]


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    phone_key = models.CharField(max_length=PHONE_KEY_DIGITS, db_index=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_key = phone_key(self.phone)  # derived, kept in step with the number
        super().save(*args, **kwargs)


class CustomerSite(models.Model):
    """Where the equipment is: its zone sets the D6 response limit, its region the provider."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sites")
    address = models.CharField(_("address"), max_length=250)
    region = models.ForeignKey("dispatch.Region", on_delete=models.PROTECT, related_name="sites")
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices)
    business_premises = models.BooleanField(
        _("business premises"),
        default=False,
        help_text=_("Shops and offices are served the same day after the D1 cut-off."),
    )

    class Meta:
        verbose_name = _("customer site")
        verbose_name_plural = _("customer sites")

    def __str__(self) -> str:
        return self.address


class SlaContract(models.Model):
    """A service agreement: what is covered and how fast (rules A5, A6, C2)."""

    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contracts",
        help_text=_("Empty for the default contract that applies when no other does."),
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(
        _("order"), default=100, help_text=_("Lower is tried first.")
    )
    priority = models.PositiveSmallIntegerField(
        _("queue priority"), default=5, help_text=_("1 is served first (rule B9).")
    )
    response_within = models.DurationField(_("response within"), default=timedelta(hours=24))
    resolution_within = models.DurationField(_("resolution within"), default=timedelta(hours=72))
    on_site = models.BooleanField(_("on-site service"), default=True)
    covered_services = models.JSONField(_("covered services"), default=list)

    class Meta:
        verbose_name = _("SLA contract")
        verbose_name_plural = _("SLA contracts")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name
