"""C2 / D1 / D6: the deadlines a case promises, counted from its D1 booking and its window."""

from datetime import datetime

from hotline.core.calendar import D1Booking, d1_booking
from hotline.core.cases import Promises, case_promises
from hotline.core.i18n import gettext_noop
from hotline.core.rulebook import Rulebook
from hotline.notices.services import notify
from hotline.rulebook.selectors import centre_calendar
from hotline.tickets.models import Ticket


def promises_for(ticket: Ticket, rules: Rulebook, *, later: datetime | None) -> Promises:
    """C2 / D1 / D6: what the case promises from its D1 booking, its SLA and its site's zone;
    `later` is a date the customer chose (D6), never taken unless they did."""
    site = ticket.site
    assert site is not None
    contract = ticket.contract
    return case_promises(
        now=ticket.created_at,
        calendar=centre_calendar(rules),
        cutoff=rules.clock("d1.repair_cutoff"),
        business_premises=site.business_premises,
        zone_limit=rules.duration(
            f"d6.{site.zone}_response", zone=site.zone, customer=ticket.customer_id
        ),
        sla_response=contract.response_within if contract else None,
        sla_resolution=contract.resolution_within if contract else None,
        customer_date=later,
    )


def customer_later_date(ticket: Ticket) -> datetime | None:
    """D6: the end of the window when the customer chose a later date, else None."""
    return ticket.window_end if ticket.later_date_reason and ticket.window_end else None


def set_promises(ticket: Ticket, rules: Rulebook) -> None:
    """C2 / D1 / D6: the deadlines the customer is told, from the ticket as it is now: its site,
    and its current window when (and only when) the customer chose that later date. Recounted
    on every change of either, so a corrected window brings the promises back."""
    promises = promises_for(ticket, rules, later=customer_later_date(ticket))
    ticket.response_due = promises.response_due
    ticket.resolution_due = promises.resolution_due
    tz = centre_calendar(rules).tz()
    ticket.booked_for = promises.booking.earliest.astimezone(tz).date()


def d1_booking_of(ticket: Ticket, rules: Rulebook) -> D1Booking:
    site = ticket.site
    assert site is not None
    return d1_booking(
        ticket.created_at,
        centre_calendar(rules),
        rules.clock("d1.repair_cutoff"),
        site.business_premises,
    )


# C2: what the customer is told, by D1 booking and whether the SLA gives a resolution time.
C2_BODIES = {
    ("open", False): gettext_noop("We will respond by %(response_due)s."),
    ("open", True): gettext_noop(
        "We will respond by %(response_due)s and resolve it by %(resolution_due)s."
    ),
    ("after_cutoff", False): gettext_noop(
        "We received your request after %(cutoff)s, so it is booked for the next working day, "
        "%(booked_for)s. We will respond by %(response_due)s."
    ),
    ("after_cutoff", True): gettext_noop(
        "We received your request after %(cutoff)s, so it is booked for the next working day, "
        "%(booked_for)s. We will respond by %(response_due)s and resolve it by "
        "%(resolution_due)s."
    ),
    ("closed", False): gettext_noop(
        "We received your request outside working hours, so it is booked for %(booked_for)s. "
        "We will respond by %(response_due)s."
    ),
    ("closed", True): gettext_noop(
        "We received your request outside working hours, so it is booked for %(booked_for)s. "
        "We will respond by %(response_due)s and resolve it by %(resolution_due)s."
    ),
}


def tell_promises(ticket: Ticket, now: datetime, rules: Rulebook) -> None:
    """C2: on creation the customer is told the deadlines their SLA gives (D1 explained)."""
    booking = d1_booking_of(ticket, rules)
    params: dict[str, object] = {
        "number": ticket.number,
        "response_due": ticket.response_due,
        "resolution_due": ticket.resolution_due,
        "booked_for": ticket.booked_for,
        "cutoff": rules.clock("d1.repair_cutoff").strftime("%H:%M"),
        "contract": ticket.contract.name if ticket.contract else "",
    }
    deferred = booking.reason if booking.reason in ("after_cutoff", "closed") else "open"
    body = C2_BODIES[(deferred, ticket.resolution_due is not None)]
    notify(
        now=now,
        rule="C2",
        customer=ticket.customer,
        ticket=ticket,
        subject=gettext_noop("Your case %(number)s is recorded"),
        body=body,
        params=params,
    )
