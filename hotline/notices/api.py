"""Notices over HTTP: the caller's own, and marking a phone call or fax as made (D3)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.notices.models import Notice
from hotline.notices.selectors import notices_page, notices_to_log
from hotline.notices.services import notice_mark_logged
from hotline.paging import PageNumber

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    rule: str
    channel: str
    address: str
    language: str
    subject: str
    body: str
    state: str
    created_at: datetime
    sent_at: datetime | None
    error: str
    ticket_id: int | None
    work_order_id: int | None


class NoticesOut(Schema):
    page: int
    has_next: bool
    notices: list[NoticeOut]
    to_log: list[NoticeOut]


def _out(notice: Notice) -> dict[str, Any]:
    return {field: getattr(notice, field) for field in NoticeOut.model_fields}


@router.get("", response=NoticesOut, summary="My notices; to make by hand for dispatchers (D3)")
def notices_list(request: HttpRequest, page: PageNumber = 1) -> dict[str, Any]:
    user = signed_in(request)
    found, has_next = notices_page(user, page)
    return {
        "page": max(page, 1),
        "has_next": has_next,
        "notices": [_out(n) for n in found],
        "to_log": [_out(n) for n in notices_to_log(user)],
    }


@router.post("/{notice_id}/logged", response=NoticeOut, summary="Phone call or fax made (D3)")
def notices_mark_logged(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    notice = notice_mark_logged(actor=signed_in(request), now=clock.now(), notice_id=notice_id)
    return _out(notice)
