"""The rulebook's event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class RulebookEntity(StrEnum):
    SETTING = "rulebook.setting"


class SettingAction(StrEnum):
    CHANGED = "changed"
    RESET = "reset"


ACTIONS: dict[RulebookEntity, type[StrEnum]] = {RulebookEntity.SETTING: SettingAction}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words

    entity_words(RulebookEntity.SETTING, _("setting"), number=str)
    describe(
        RulebookEntity.SETTING,
        SettingAction.CHANGED,
        _("%(actor)s set %(id)s to %(new)s (was %(old)s)"),
    )
    describe(
        RulebookEntity.SETTING,
        SettingAction.RESET,
        _("%(actor)s reset %(id)s to its default (was %(old)s)"),
    )
