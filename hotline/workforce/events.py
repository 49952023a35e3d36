"""Workforce's event vocabulary: leave, rosters, shifts. Stored in `audit.Event` rows: the strings
never change."""

from enum import StrEnum


class WorkforceEntity(StrEnum):
    LEAVE = "workforce.leave"
    ROSTER = "workforce.roster"
    SHIFT = "workforce.shift"


class LeaveAction(StrEnum):
    ASKED = "asked"
    APPROVED = "approved"
    REFUSED = "refused"


class RosterAction(StrEnum):
    GENERATED = "generated"
    PUBLISHED = "published"


class ShiftAction(StrEnum):
    EDITED = "edited"


ACTIONS: dict[WorkforceEntity, type[StrEnum]] = {
    WorkforceEntity.LEAVE: LeaveAction,
    WorkforceEntity.ROSTER: RosterAction,
    WorkforceEntity.SHIFT: ShiftAction,
}
