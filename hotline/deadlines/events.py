"""The deadlines' event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class DeadlinesEntity(StrEnum):
    DEADLINE = "deadlines.deadline"


class DeadlineAction(StrEnum):
    FIRED = "fired"
    GAVE_UP = "gave_up"


ACTIONS: dict[DeadlinesEntity, type[StrEnum]] = {DeadlinesEntity.DEADLINE: DeadlineAction}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words
    from hotline.deadlines.choices import kind_label

    d = DeadlinesEntity.DEADLINE
    entity_words(d, _("deadline"), words={"kind": kind_label})
    describe(d, DeadlineAction.FIRED, _("Deadline %(id)s fell due: %(kind)s (due %(due)s)"))
    describe(
        d,
        DeadlineAction.GAVE_UP,
        _("Deadline %(id)s given up after %(attempts)s attempts: %(kind)s"),
    )
