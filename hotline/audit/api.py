from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from hotline.audit.models import Event
from hotline.audit.selectors import events_for_supervisor
from hotline.bounds import RuleId
from hotline.paging import MAX_PAGE

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


class EventPages(LimitOffsetPagination):
    class Input(LimitOffsetPagination.Input):
        # Bounded like page numbers (hotline.paging): larger ones overflowed OFFSET.
        limit: int = Field(
            LimitOffsetPagination.Input.model_fields["limit"].default, ge=1, le=MAX_PAGE
        )
        offset: int = Field(0, ge=0, le=MAX_PAGE)


@router.get("", response=list[EventOut], summary="The event log, newest first")
@paginate(EventPages)
def events_list(
    request: HttpRequest,
    entity: QueryEx[str, P(max_length=64)] = "",
    rule: RuleId | Literal[""] = "",
) -> Any:
    return events_for_supervisor(entity=entity, rule=rule)
