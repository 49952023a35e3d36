"""The reports' event vocabulary (D13 alerts). Stored in `audit.Event` rows: the strings never
change."""

from enum import StrEnum


class ReportsEntity(StrEnum):
    FAULT_ALERT = "reports.fault_alert"


class FaultAlertAction(StrEnum):
    RAISED = "raised"


ACTIONS: dict[ReportsEntity, type[StrEnum]] = {ReportsEntity.FAULT_ALERT: FaultAlertAction}


# --- the event log's sentences (hotline.audit.sentences), registered from ready() ---


def register_sentences() -> None:
    from django.utils.translation import gettext_lazy as _

    from hotline.audit.sentences import describe, entity_words

    entity_words(ReportsEntity.FAULT_ALERT, _("fault alert"))
    describe(ReportsEntity.FAULT_ALERT, FaultAlertAction.RAISED, _("Fault alert %(id)s raised"))
