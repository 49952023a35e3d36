from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time each `hotline worker` process said it was alive (hotline/ops/heartbeat.py).

    Operational telemetry, not a state of the centre: it is written every few seconds and
    appends no audit event (the event log would drown in them)."""

    name = models.CharField(_("worker"), max_length=120, unique=True)  # host:pid
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name
