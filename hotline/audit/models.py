from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableEventError(Exception):
    """The event log is append-only: no code path updates or deletes an event."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: object) -> int:
        raise ImmutableEventError("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("audit events cannot be deleted")


class Event(models.Model):
    """One state change: who did what to which entity, old -> new, why, under which rule, when.

    Reports are computed from these rows (DESIGN.md convention 6). On PostgreSQL a trigger
    refuses UPDATE and DELETE as well, so not even raw SQL can rewrite the history.
    """

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    entity = models.CharField(_("entity"), max_length=64)
    entity_id = models.CharField(_("entity id"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    old = models.JSONField(_("old"), null=True, blank=True)
    new = models.JSONField(_("new"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    rule = models.CharField(_("rule"), max_length=4, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["entity", "entity_id", "at"], name="event_entity_time")]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.entity}#{self.entity_id} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableEventError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableEventError("audit events cannot be deleted")
