"""Follow-up calls over HTTP (C6 / D12). Refusals answer 409 {"rule", "detail"}; a follow-up
the caller may not see answers 404, exactly like one that does not exist."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.bounds import Flag, PathId, Whole
from hotline.core.followup import SCORES
from hotline.dispatch.bounds import Note
from hotline.followup.models import FollowUp
from hotline.followup.selectors import FILTERS, followup_for, followup_list
from hotline.followup.services import followup_record as record_service
from hotline.followup.services import followup_release as release_service
from hotline.followup.services import followup_take as take_service
from hotline.paging import PageNumber

router = Router(tags=["follow-up"])


class FollowUpOut(Schema):
    id: int
    number: str
    state: str
    kind: str
    share: int
    ticket: str
    customer: str
    work_order: str
    work_order_id: int
    due_at: datetime | None
    overdue_at: datetime | None
    taken_by: str | None
    attempts: int
    score: int | None
    reason: str
    resolved: bool | None
    done_at: datetime | None
    second_dispatch_id: int | None
    second_dispatch_waiting: bool = Field(
        description="D12: unresolved, the repeat visit waits on the dispatcher's board (D3 full)"
    )


class FollowUpsOut(Schema):
    filter: str
    page: int
    has_next: bool
    followups: list[FollowUpOut]


class ReleaseIn(Schema):
    note: Note = ""


class RecordIn(Schema):
    score: Whole = Field(ge=min(SCORES), le=max(SCORES), description="C6: satisfaction, 1-5")
    reason: Note
    resolved: Flag


def _out(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "number": f.number,
        "state": f.state,
        "kind": f.kind,
        "share": f.share,
        "ticket": f.ticket.number,
        "customer": f.ticket.customer.name,
        "work_order": f.work_order.number,
        "work_order_id": f.work_order_id,
        "due_at": f.due_at,
        "overdue_at": f.overdue_at,
        "taken_by": f.taken_by.get_username() if f.taken_by else None,
        "attempts": f.attempts,
        "score": f.score,
        "reason": f.reason,
        "resolved": f.resolved,
        "done_at": f.done_at,
        "second_dispatch_id": f.second_dispatch_id,
        "second_dispatch_waiting": f.resolved is False and f.second_dispatch_id is None,
    }


@router.get("", response=FollowUpsOut, summary="Follow-up calls: due, mine, upcoming, done (D12)")
def followups_list(
    request: HttpRequest,
    filter: Literal["due", "mine", "upcoming", "done"] = "due",
    page: PageNumber = 1,
) -> dict[str, Any]:
    which = filter if filter in FILTERS else "due"
    rows, has_next = followup_list(signed_in(request), which, page, now=clock.now())
    return {
        "filter": which,
        "page": max(page, 1),
        "has_next": has_next,
        "followups": [_out(f) for f in rows],
    }


@router.get("/{followup_id}", response=FollowUpOut, summary="One follow-up call")
def followup_get(request: HttpRequest, followup_id: PathId) -> dict[str, Any]:
    return _out(followup_for(signed_in(request), followup_id))


@router.post("/{followup_id}/take", response=FollowUpOut, summary="Take a due follow-up (D12)")
def followup_take(request: HttpRequest, followup_id: PathId) -> dict[str, Any]:
    user = signed_in(request)
    take_service(actor=user, now=clock.now(), followup_id=followup_id)
    return _out(followup_for(user, followup_id))


@router.post(
    "/{followup_id}/release", response=FollowUpOut, summary="No answer: back on the list (D12)"
)
def followup_release(request: HttpRequest, followup_id: PathId, body: ReleaseIn) -> dict[str, Any]:
    user = signed_in(request)
    release_service(actor=user, now=clock.now(), followup_id=followup_id, note=body.note)
    return _out(followup_for(user, followup_id))


@router.post(
    "/{followup_id}/record",
    response=FollowUpOut,
    summary="Score, reason, resolved; unresolved reopens and sends a second visit (C6, D12)",
)
def followup_record(request: HttpRequest, followup_id: PathId, body: RecordIn) -> dict[str, Any]:
    user = signed_in(request)
    record_service(
        actor=user,
        now=clock.now(),
        followup_id=followup_id,
        score=body.score,
        reason=body.reason,
        resolved=body.resolved,
    )
    return _out(followup_for(user, followup_id))
