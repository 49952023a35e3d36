"""The reports' event vocabulary (D13 alerts). Stored in `audit.Event` rows: the strings never
change."""

from enum import StrEnum


class ReportsEntity(StrEnum):
    FAULT_ALERT = "reports.fault_alert"


class FaultAlertAction(StrEnum):
    RAISED = "raised"


ACTIONS: dict[ReportsEntity, type[StrEnum]] = {ReportsEntity.FAULT_ALERT: FaultAlertAction}
