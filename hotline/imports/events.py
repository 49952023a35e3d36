"""The audit vocabulary of imports: one event per file written, with its counts."""

from enum import StrEnum


class ImportsEntity(StrEnum):
    FILE = "imports.file"


class ImportsAction(StrEnum):
    IMPORTED = "imported"  # new: {"kind", "created", "updated", "unchanged"}


ACTIONS: dict[ImportsEntity, type[StrEnum]] = {ImportsEntity.FILE: ImportsAction}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words

    entity_words(ImportsEntity.FILE, _("imported file"))
    describe(
        ImportsEntity.FILE,
        ImportsAction.IMPORTED,
        _("%(actor)s imported %(kind)s: %(created)s new"),
    )
