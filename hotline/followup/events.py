"""Follow-up's event vocabulary (D12). Stored in `audit.Event` rows: the strings never change."""

from enum import StrEnum


class FollowUpEntity(StrEnum):
    FOLLOWUP = "followup.followup"


class FollowUpAction(StrEnum):
    PLANNED = "planned"
    SKIPPED = "skipped"
    TAKEN = "taken"
    RELEASED = "released"
    RECORDED = "recorded"  # new: score, resolved, second_dispatch...
    OVERDUE = "overdue"


ACTIONS: dict[FollowUpEntity, type[StrEnum]] = {FollowUpEntity.FOLLOWUP: FollowUpAction}
