"""Call quality reviews over HTTP (B11), under /api/v1/reviews.

Reading is scoped like the pages: an agent their own reviews, a team lead their team's, the
manager and admins every one. A review is written by the agent's team lead; bad input answers
422 with a sentence, B11's own refusal 409, a call the lead may not see 404.
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema, Status

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.bounds import Id
from hotline.calls.models import CallReview
from hotline.calls.selectors import review_page
from hotline.calls.services.reviews import call_review_create
from hotline.core.scorecard import Mark
from hotline.paging import PageNumber

router = Router(tags=["call quality reviews"])


class CallReviewOut(Schema):
    id: int
    call_id: int
    agent: str
    reviewer: str
    reviewed_at: datetime
    marks: dict[str, str]
    comment: str
    met: int
    not_met: int
    score: float | None
    conduct_breach: bool  # B11 not met: a colleague was run down in front of the customer


class CallReviewsOut(Schema):
    page: int
    has_next: bool
    reviews: list[CallReviewOut]


class CallReviewIn(Schema):
    call_id: Id
    # criterion code: met, not_met or na; every criterion once
    marks: dict[Annotated[str, Field(max_length=40)], Mark] = Field(max_length=40)
    comment: str = Field("", max_length=2000)


def _out(review: CallReview) -> dict[str, Any]:
    result = review.result
    return {
        "id": review.pk,
        "call_id": review.call_id,
        "agent": review.agent.get_username(),
        "reviewer": review.reviewer.get_username(),
        "reviewed_at": review.reviewed_at,
        "marks": review.marks,
        "comment": review.comment,
        "met": result.met,
        "not_met": result.not_met,
        "score": review.score,
        "conduct_breach": review.conduct_breach,
    }


@router.get("", response=CallReviewsOut, summary="Call reviews I may read, newest first (B11)")
def reviews_list(
    request: HttpRequest, agent: QueryEx[str, P(max_length=150)] = "", page: PageNumber = 1
) -> dict[str, Any]:
    """`agent` narrows to one agent's reviews (a user name); one the user may not read has none."""
    rows, has_next = review_page(signed_in(request), page, agent=agent)
    return {"page": page, "has_next": has_next, "reviews": [_out(r) for r in rows]}


@router.post(
    "",
    response={201: CallReviewOut},
    summary="Team lead: review an answered call of an agent of the team (B11)",
)
def review_create(request: HttpRequest, body: CallReviewIn) -> Status[dict[str, Any]]:
    review = call_review_create(
        actor=signed_in(request),
        now=clock.now(),
        call_id=body.call_id,
        marks={code: mark.value for code, mark in body.marks.items()},
        comment=body.comment,
    )
    return Status(201, _out(review))
