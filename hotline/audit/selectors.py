from django.db.models import QuerySet

from hotline.audit.models import Event


def events_for_supervisor(*, entity: str = "", rule: str = "") -> QuerySet[Event]:
    """The event log as managers and admins read it, newest first, optionally filtered."""
    events = Event.objects.select_related("actor").order_by("-at", "-id")
    if entity:
        events = events.filter(entity=entity)
    if rule:
        events = events.filter(rule=rule.upper())
    return events
