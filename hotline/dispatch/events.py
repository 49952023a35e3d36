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
