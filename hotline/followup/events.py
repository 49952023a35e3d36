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


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words
    from hotline.followup.choices import FollowUpState

    f = FollowUpEntity.FOLLOWUP
    entity_words(f, _("follow-up"), states={"state": FollowUpState})
    for action, template in (
        (FollowUpAction.PLANNED, _("Follow-up %(id)s planned")),
        (FollowUpAction.SKIPPED, _("Follow-up %(id)s skipped (not selected)")),
        (FollowUpAction.TAKEN, _("%(actor)s took follow-up %(id)s")),
        (
            FollowUpAction.RELEASED,
            _("%(actor)s released follow-up %(id)s after attempt %(attempts)s"),
        ),
        (
            FollowUpAction.RECORDED,
            _("%(actor)s recorded follow-up %(id)s: resolved %(resolved)s, score %(score)s"),
        ),
        (FollowUpAction.OVERDUE, _("Follow-up %(id)s is overdue (due %(due)s)")),
    ):
        describe(f, action, template)
