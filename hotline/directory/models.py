"""Who and where: the customers with their sites, equipment and agreements, the regions and the
providers that serve them. The tables keep the names they had in tickets and dispatch (the
floor's plain SQL and every existing database read them so)."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.directory.choices import Channel, Zone, appliance_label

PHONE_KEY_DIGITS = 9


def phone_key(number: str) -> str:
    """The last digits of a number: the same for "+359 88 100 0000", "088 1000000" and a PBX's
    "359881000000", so a caller is recognised however the number was written."""
    return "".join(ch for ch in number if ch.isdigit())[-PHONE_KEY_DIGITS:]


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engineer_of",
        verbose_name=_("after-sales engineer"),
        help_text=_("Answers the region's escalated complaints (rule D9)."),
    )

    class Meta:
        db_table = "dispatch_region"
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A service provider that does the field work in its regions (rule D3)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    # The table of this many-to-many is named after db_table: still dispatch_provider_regions.
    regions = models.ManyToManyField(Region, related_name="providers", verbose_name=_("regions"))
    capacity = models.PositiveIntegerField(
        _("capacity"), help_text=_("Open work orders the provider can carry at once.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        db_table = "dispatch_provider"
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
        db_table = "tickets_customer"
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
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="sites")
    zone = models.CharField(_("zone"), max_length=10, choices=Zone.choices)
    business_premises = models.BooleanField(
        _("business premises"),
        default=False,
        help_text=_("Shops and offices are served the same day after the D1 cut-off."),
    )

    class Meta:
        db_table = "tickets_customersite"
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
        db_table = "tickets_slacontract"
        verbose_name = _("SLA contract")
        verbose_name_plural = _("SLA contracts")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    """The appliance at a site: what the technician comes to (E3 "equipment")."""

    site = models.ForeignKey(CustomerSite, on_delete=models.CASCADE, related_name="equipment")
    # A usual kind as its code (ApplianceKind, shown in the reader's language), or any other
    # kind as free text (shown as typed).
    kind = models.CharField(
        _("appliance"),
        max_length=80,
        help_text=_("A usual kind by its code (such as washing_machine), or any other kind."),
    )
    model = models.CharField(_("model"), max_length=80)
    serial = models.CharField(_("serial number"), max_length=80, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)

    class Meta:
        db_table = "tickets_equipment"
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return f"{self.kind_label} {self.model} {self.serial}".strip()

    @property
    def kind_label(self) -> str:
        """The kind in the active language."""
        return appliance_label(self.kind)
