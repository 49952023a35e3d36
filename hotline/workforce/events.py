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


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words
    from hotline.workforce.models import LeaveState, RosterState

    entity_words(WorkforceEntity.LEAVE, _("leave request"), states={"": LeaveState})
    entity_words(WorkforceEntity.ROSTER, _("roster"), states={"": RosterState})
    entity_words(WorkforceEntity.SHIFT, _("shift"))
    for entity, action, template in (
        (
            WorkforceEntity.LEAVE,
            LeaveAction.ASKED,
            _("%(actor)s asked for leave from %(first_day)s to %(last_day)s"),
        ),
        (WorkforceEntity.LEAVE, LeaveAction.APPROVED, _("%(actor)s approved leave request %(id)s")),
        (WorkforceEntity.LEAVE, LeaveAction.REFUSED, _("%(actor)s refused leave request %(id)s")),
        (WorkforceEntity.ROSTER, RosterAction.GENERATED, _("%(actor)s generated roster %(id)s")),
        (WorkforceEntity.ROSTER, RosterAction.PUBLISHED, _("%(actor)s published roster %(id)s")),
        (
            WorkforceEntity.SHIFT,
            ShiftAction.EDITED,
            _("%(actor)s changed shift %(id)s: %(start)s to %(end)s"),
        ),
    ):
        describe(entity, action, template)
