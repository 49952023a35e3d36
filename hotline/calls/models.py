from django.db import models
from django.utils.translation import gettext_lazy as _


class Queue(models.Model):
    """A line customers call into; the call-floor rules (A1, A2, A4, B6) may be set per queue."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="queues", verbose_name=_("team")
    )

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
