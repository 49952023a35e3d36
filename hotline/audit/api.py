from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from hotline.audit.models import Event
from hotline.audit.selectors import events_for_supervisor, local_day_range
from hotline.bounds import FIRST_DAY, LAST_DAY, MAX_ID, Day, QueryId, RuleId
from hotline.i18n import centre_zone
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
    person: QueryId = None,
    case: QueryEx[
        int | None, P(ge=1, le=MAX_ID, description="the case's id (T-000047: 47)")
    ] = None,
    call: QueryId = None,
    day: QueryEx[
        Day | None,
        P(description=f"a day in the centre's time zone, {FIRST_DAY} to {LAST_DAY}"),
    ] = None,
) -> Any:
    """Filters as on the event log page: what a person did or what happened to them, the
    events of a case or a call, and a day of the centre's calendar."""
    return events_for_supervisor(
        entity=entity,
        rule=rule,
        person=person,
        ticket=case,
        call=call,
        between=local_day_range(day, centre_zone()) if day else None,
    )
