"""The rulebook's event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class RulebookEntity(StrEnum):
    SETTING = "rulebook.setting"


class SettingAction(StrEnum):
    CHANGED = "changed"
    RESET = "reset"


ACTIONS: dict[RulebookEntity, type[StrEnum]] = {RulebookEntity.SETTING: SettingAction}
