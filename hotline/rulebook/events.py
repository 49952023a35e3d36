"""The rulebook's event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class RulebookEntity(StrEnum):
    SETTING = "rulebook.setting"
    CALENDAR = "rulebook.calendar"


class SettingAction(StrEnum):
    CHANGED = "changed"
    RESET = "reset"


class CalendarAction(StrEnum):
    CREATED = "created"  # new: {"name", "time_zone", "working_days"} (the setup page, issue 20)
    DAYS_CHANGED = "days_changed"  # old/new: {"working_days"}


ACTIONS: dict[RulebookEntity, type[StrEnum]] = {
    RulebookEntity.SETTING: SettingAction,
    RulebookEntity.CALENDAR: CalendarAction,
}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words

    entity_words(RulebookEntity.SETTING, _("setting"), number=str)
    entity_words(RulebookEntity.CALENDAR, _("calendar"))
    describe(
        RulebookEntity.CALENDAR,
        CalendarAction.CREATED,
        _("%(actor)s set up the calendar %(name)s in the time zone %(time_zone)s"),
    )
    describe(
        RulebookEntity.CALENDAR,
        CalendarAction.DAYS_CHANGED,
        _("%(actor)s changed the working days of calendar %(id)s"),
    )
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
