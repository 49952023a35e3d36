"""The number a follow-up call goes to (C6): the case's contact's, else the customer's."""

from hotline.calls.dialling import dial_number
from hotline.followup.models import FollowUp


def followup_number(followup: FollowUp) -> str:
    """The number the follow-up page shows: the case's contact's, else the customer's."""
    contact = (followup.work_order.ticket_copy or {}).get("contact") or {}
    return dial_number(contact.get("phone") or followup.ticket.customer.phone)
