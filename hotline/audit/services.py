from datetime import datetime
from typing import Any

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.core.refusal import check_rule_id
from hotline.core.timeutil import require_aware
from hotline.live import announce


def event_append(
    *,
    actor: User | None,
    now: datetime,
    entity: str,
    entity_id: object,
    action: str,
    old: Any = None,
    new: Any = None,
    reason: str = "",
    rule: str = "",
) -> Event:
    """Append one event. Call it inside the service's transaction so both land or neither."""
    event = Event.objects.create(
        at=require_aware(now),
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        old=old,
        new=new,
        reason=reason,
        rule=check_rule_id(rule) if rule else "",
    )
    announce(event.pk)
    if entity.startswith("calls."):
        from hotline.calls.tasks import cti_push  # the floor's PBX pushes ride on its events

        cti_push(event)
    return event
