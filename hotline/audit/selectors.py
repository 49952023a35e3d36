from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from hotline.audit.models import Event
from hotline.audit.sentences import filtered_entities, person_entities, person_keys


def local_day_range(day: date, zone: str) -> tuple[datetime, datetime]:
    """The instants a day of `zone` runs between (a DST day is 23 or 25 hours long)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def events_for_supervisor(
    *,
    entity: str = "",
    rule: str = "",
    person: int | None = None,
    ticket: int | None = None,
    call: int | None = None,
    between: tuple[datetime, datetime] | None = None,
) -> QuerySet[Event]:
    """The event log as managers and admins read it, newest first, optionally filtered.

    `person`: what the person did, and what happened to them (an agent's states, their
    account, a call offered to them, a case given to them); `ticket`, `call`: the events of
    that case or call; `between`: [start, end)."""
    events = Event.objects.select_related("actor").order_by("-at", "-id")
    if entity:
        events = events.filter(entity=entity)
    if rule:
        events = events.filter(rule=rule.upper())
    if person is not None:
        named = Q(actor_id=person) | Q(entity__in=person_entities(), entity_id=str(person))
        for key in person_keys():  # a call offered to them, a case given to them
            named |= Q(**{f"new__{key}": person})
        events = events.filter(named)
    if ticket is not None:
        events = events.filter(entity__in=filtered_entities("case"), entity_id=str(ticket))
    if call is not None:
        events = events.filter(entity__in=filtered_entities("call"), entity_id=str(call))
    if between is not None:
        events = events.filter(at__gte=between[0], at__lt=between[1])
    return events
