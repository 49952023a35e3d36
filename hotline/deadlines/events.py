"""The deadlines' event vocabulary. Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class DeadlinesEntity(StrEnum):
    DEADLINE = "deadlines.deadline"


class DeadlineAction(StrEnum):
    FIRED = "fired"
    GAVE_UP = "gave_up"


ACTIONS: dict[DeadlinesEntity, type[StrEnum]] = {DeadlinesEntity.DEADLINE: DeadlineAction}
