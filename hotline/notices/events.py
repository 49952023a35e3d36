"""The notices' event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class NoticesEntity(StrEnum):
    NOTICE = "notices.notice"


class NoticeAction(StrEnum):
    LOGGED = "logged"  # a phone or fax notice, logged by hand (D3)
    SENT = "sent"
    FAILED = "failed"


ACTIONS: dict[NoticesEntity, type[StrEnum]] = {NoticesEntity.NOTICE: NoticeAction}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words
    from hotline.notices.choices import NoticeChannel

    n = NoticesEntity.NOTICE
    entity_words(n, _("notice"), states={"channel": NoticeChannel})
    describe(
        n, NoticeAction.LOGGED, _("%(actor)s logged notice %(id)s by %(channel)s to %(address)s")
    )
    describe(n, NoticeAction.SENT, _("Notice %(id)s sent by %(channel)s to %(address)s"))
    describe(n, NoticeAction.FAILED, _("Notice %(id)s by %(channel)s to %(address)s failed"))
