from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from hotline.audit.live import announce
from hotline.audit.models import Event
from hotline.core.refusal import check_rule_id
from hotline.core.timeutil import require_aware

# Events appended inside `batched_events()`, waiting for its one INSERT.
_batch: ContextVar[list[Event] | None] = ContextVar("audit_batch", default=None)


def event_append(
    *,
    actor: AbstractBaseUser | None,
    now: datetime,
    entity: str,
    entity_id: object,
    action: str,
    old: Any = None,
    new: Any = None,
    reason: str = "",
    rule: str = "",
) -> Event:
    """Append one event. Call it inside the service's transaction so both land or neither.

    Inside `batched_events()` the event is written when the batch ends (it has no id before)."""
    event = Event(
        at=require_aware(now),
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.get_username() if actor else "system",
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        old=old,
        new=new,
        reason=reason,
        rule=check_rule_id(rule) if rule else "",
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(event)
    else:
        event.save()
        _written([event])
    return event


@contextmanager
def batched_events() -> Iterator[None]:
    """Write the events a service appends in one INSERT when it is done, not one per event.

    Use it inside the service's transaction (`with transaction.atomic(), batched_events():`),
    so the events still land with the changes or not at all. The floor's decisions append
    three or four events each, and on the hot path every round trip counts. A batch
    inside a batch joins the outer one. Nothing inside may read back the events it appended.
    """
    if _batch.get() is not None:
        yield
        return
    pending: list[Event] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        _written(Event.objects.bulk_create(pending))


EventListener = Callable[[Event], None]
# Higher apps that act on events as they are written, by entity prefix ("calls." -> the PBX
# pushes). Filled in AppConfig.ready(), so the audit app imports none of them.
_listeners: list[tuple[str, EventListener]] = []


def on_event_written(entity_prefix: str, listener: EventListener) -> None:
    """Call `listener` with every event of an entity starting with `entity_prefix`, inside the
    transaction that writes it (it may add rows that land with the event, or not at all)."""
    if (entity_prefix, listener) not in _listeners:
        _listeners.append((entity_prefix, listener))


def _written(events: list[Event]) -> None:
    """Tell the live views and the listeners (the PBX) about events that are in the database."""
    for event in events:
        announce(event.pk)
        for prefix, listener in _listeners:
            if event.entity.startswith(prefix):
                listener(event)
