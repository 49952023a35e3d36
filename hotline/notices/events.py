"""The notices' event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class NoticesEntity(StrEnum):
    NOTICE = "notices.notice"


class NoticeAction(StrEnum):
    LOGGED = "logged"  # a phone or fax notice, logged by hand (D3)
    SENT = "sent"
    FAILED = "failed"


ACTIONS: dict[NoticesEntity, type[StrEnum]] = {NoticesEntity.NOTICE: NoticeAction}
