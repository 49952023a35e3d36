"""Dispatch services: every state change of work orders, urges and chases."""

from hotline.dispatch.services.centre import (
    chase_record,
    chase_reply,
    daily_clearing,
    dispatch_tick,
    morning_followup,
    work_order_urge,
)
from hotline.dispatch.services.dispatch import work_order_dispatch
from hotline.dispatch.services.provider import (
    work_order_acknowledge,
    work_order_complete,
    work_order_contact,
    work_order_delay,
    work_order_report_status,
    work_order_sign,
)

__all__ = [
    "chase_record",
    "chase_reply",
    "daily_clearing",
    "dispatch_tick",
    "morning_followup",
    "work_order_acknowledge",
    "work_order_complete",
    "work_order_contact",
    "work_order_delay",
    "work_order_dispatch",
    "work_order_report_status",
    "work_order_sign",
    "work_order_urge",
]
