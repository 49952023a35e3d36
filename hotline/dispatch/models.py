from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline.dispatch.choices import Channel


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A service provider that does the field work in its regions (rule D3)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
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
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
