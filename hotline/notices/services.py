"""Notices: every message to a customer, a provider or a member of staff, in their language.

Interface shared by tickets, dispatch and follow-up (issue 4):

    notify(now=now, rule="C3", customer=ticket.customer, ticket=ticket,
           subject=gettext_noop("Your repair %(number)s is delayed"),
           body=gettext_noop("New time: %(when)s. Reason: %(reason)s."),
           params={"number": ticket.number, "when": new_time, "reason": reason_label})

Subject and body are English templates marked with gettext_noop; they are translated into the
recipient's language when the notice is written (datetimes in params are shown in the
recipient's time zone and language; lazy strings in params are translated too). The notice row
is written in the caller's transaction; sending happens in a task after commit, through the
channel registry (e-mail, SMS gateway, webhook, portal only, phone/fax logged by hand).
"""

from collections.abc import Mapping
from datetime import datetime

from hotline.accounts.models import User
from hotline.dispatch.models import Provider, WorkOrder
from hotline.notices.models import Notice
from hotline.tickets.models import Customer, Ticket


def notify(
    *,
    now: datetime,
    rule: str,
    subject: str,
    body: str,
    params: Mapping[str, object] | None = None,
    customer: Customer | None = None,
    provider: Provider | None = None,
    user: User | None = None,
    ticket: Ticket | None = None,
    work_order: WorkOrder | None = None,
    channel: str | None = None,
) -> Notice:
    """Write one notice to exactly one recipient and send it after commit."""
    raise NotImplementedError
