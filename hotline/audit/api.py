from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from hotline.audit.models import Event
from hotline.audit.selectors import events_for_supervisor

router = Router(tags=["audit"])


class EventOut(Schema):
    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    old: Any
    new: Any
    reason: str
    rule: str

    @staticmethod
    def resolve_actor(event: Event) -> str:
        return event.actor_label


@router.get("", response=list[EventOut], summary="The event log, newest first")
@paginate(LimitOffsetPagination)
def events_list(request: HttpRequest, entity: str = "", rule: str = "") -> Any:
    return events_for_supervisor(entity=entity, rule=rule)
