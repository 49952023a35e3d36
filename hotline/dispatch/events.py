"""Dispatch's event vocabulary: work orders and the providers' desk (D1-D15, B7).

The strings are stored in `audit.Event` rows and read back by the provider reports (D13, D15),
follow-up planning and the customer's record: they never change (old events must stay readable).
A StrEnum member *is* its string.
"""

from enum import StrEnum


class DispatchEntity(StrEnum):
    WORK_ORDER = "dispatch.work_order"
    PROVIDER = "dispatch.provider"
    DAILY_CLEARING = "dispatch.daily_clearing"  # entity id: the local day (D5)
    MORNING_LEFTOVERS = "dispatch.morning_leftovers"  # entity id: the local day


class WorkOrderAction(StrEnum):
    DISPATCHED = "dispatched"  # D3
    SECOND_DISPATCH = "second_dispatch"  # D12
    ACKNOWLEDGED = "acknowledged"  # D4
    CONTACTED = "contacted"  # D4
    CONTACT_MISSED = "contact_missed"  # D4, new: due, PROVIDER
    STATUS = "status"  # D4
    STATUS_MISSED = "status_missed"  # D4, new: due, PROVIDER
    DELAYED = "delayed"
    URGED = "urged"  # D5, new: reason
    LATE = "late"  # D6, new: PROVIDER, due
    VISIT_WARNING = "visit_warning"  # B7
    COMPLETED = "completed"  # follow-ups are planned from these (D12)
    SIGNED = "signed"  # E6


class ProviderAction(StrEnum):
    DESK_CHECK = "desk_check"  # D4, new: day


class ClearingAction(StrEnum):
    CLEARED = "cleared"  # D5, new: urged


class LeftoversAction(StrEnum):
    LISTED = "listed"


# Payload keys the readers rely on.
PROVIDER = "provider"  # a Provider id: misses counted per provider (reports.providers)

ACTIONS: dict[DispatchEntity, type[StrEnum]] = {
    DispatchEntity.WORK_ORDER: WorkOrderAction,
    DispatchEntity.PROVIDER: ProviderAction,
    DispatchEntity.DAILY_CLEARING: ClearingAction,
    DispatchEntity.MORNING_LEFTOVERS: LeftoversAction,
}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words
    from hotline.directory.choices import Channel
    from hotline.dispatch.choices import DelayReason, UrgeReason, WorkOrderState

    entity_words(
        DispatchEntity.WORK_ORDER,
        _("work order"),
        states={"state": WorkOrderState, "reason": (UrgeReason, DelayReason), "channel": Channel},
    )
    entity_words(DispatchEntity.PROVIDER, _("provider"))
    entity_words(DispatchEntity.DAILY_CLEARING, _("daily clearing"), number=str)
    entity_words(DispatchEntity.MORNING_LEFTOVERS, _("morning leftovers"), number=str)
    w = DispatchEntity.WORK_ORDER
    for entity, action, template in (
        (
            w,
            WorkOrderAction.DISPATCHED,
            _("%(actor)s sent case %(ticket)s to %(provider)s: work order %(id)s (%(channel)s)"),
        ),
        (
            w,
            WorkOrderAction.SECOND_DISPATCH,
            _("%(actor)s sent work order %(id)s: a second visit after #%(second_dispatch_of)s"),
        ),
        (w, WorkOrderAction.ACKNOWLEDGED, _("%(actor)s acknowledged work order %(id)s")),
        (
            w,
            WorkOrderAction.CONTACTED,
            _("%(actor)s agreed a visit %(visit_start)s to %(visit_end)s (work order %(id)s)"),
        ),
        (
            w,
            WorkOrderAction.CONTACT_MISSED,
            _("No contact with the customer of work order %(id)s in time (due %(due)s)"),
        ),
        (w, WorkOrderAction.STATUS, _("%(actor)s reported the status of work order %(id)s")),
        (
            w,
            WorkOrderAction.STATUS_MISSED,
            _("No status report on work order %(id)s in time (due %(due)s)"),
        ),
        (
            w,
            WorkOrderAction.DELAYED,
            _("%(actor)s delayed work order %(id)s to %(new_time)s: %(reason)s"),
        ),
        (
            w,
            WorkOrderAction.URGED,
            _("%(actor)s urged the provider of work order %(id)s: %(reason)s"),
        ),
        (w, WorkOrderAction.LATE, _("Work order %(id)s is late (due %(due)s)")),
        (w, WorkOrderAction.VISIT_WARNING, _("The visit of work order %(id)s is due soon")),
        (w, WorkOrderAction.COMPLETED, _("%(actor)s completed work order %(id)s")),
        (w, WorkOrderAction.SIGNED, _("%(signer)s signed work order %(id)s")),
        (
            DispatchEntity.PROVIDER,
            ProviderAction.DESK_CHECK,
            _("%(actor)s checked the provider's desk for %(day)s"),
        ),
        (
            DispatchEntity.DAILY_CLEARING,
            ClearingAction.CLEARED,
            _("Daily clearing of %(id)s: %(urged)s work orders urged"),
        ),
        (
            DispatchEntity.MORNING_LEFTOVERS,
            LeftoversAction.LISTED,
            _("Leftovers of %(id)s listed: work orders %(leftovers)s"),
        ),
    ):
        describe(entity, action, template)
