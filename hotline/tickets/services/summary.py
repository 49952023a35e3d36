"""E2: the read-back summary, written in the customer's language and time zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import formats, translation
from django.utils.translation import gettext

from hotline.core.i18n import gettext_noop
from hotline.formatting import local_or_utc
from hotline.rulebook.selectors import centre_time_zone
from hotline.tickets.models import Ticket

# Each line: (template, when it applies). Templates are English, translated when the summary is
# written; the customer hears them in their own language.
WHO = gettext_noop("Who: %(name)s, phone %(phone)s.")
WHERE = gettext_noop("Where: %(address)s.")
EQUIPMENT = gettext_noop("Equipment: %(equipment)s.")
SYMPTOM = gettext_noop("Problem: %(symptom)s")
CATEGORY = gettext_noop("Kind of fault: %(category)s.")
STEPS = gettext_noop("Already tried: %(steps)s")
WINDOW = gettext_noop("Visit window: %(start)s to %(end)s.")
LATER = gettext_noop("You chose this later date yourself: %(reason)s")
RESPONSE = gettext_noop("We promise a response by %(when)s.")
RESOLUTION = gettext_noop("We promise to resolve it by %(when)s.")
BOOKED = gettext_noop("Booked for %(day)s.")
SPECIAL = gettext_noop("Special request (needs the team lead's approval): %(request)s")
OPTION = gettext_noop("You chose: %(option)s.")
UPDATES = gettext_noop("This call updates case %(case)s.")
HEADER = gettext_noop("Case %(number)s, %(kind)s.")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def read_back_summary(ticket: Ticket) -> str:
    """Who, where, equipment, symptom, steps tried, window, promises: as read to the customer."""
    customer = ticket.customer
    zone = _zone(customer.time_zone)

    def when(moment: datetime) -> str:
        # the language's one style (hotline/formats), on a 24-hour clock
        return formats.date_format(local_or_utc(moment, zone), "DATETIME_FORMAT")

    def day(value: date) -> str:
        return formats.date_format(value, "DATE_FORMAT")

    with translation.override(customer.language or "en"):
        lines = [
            gettext(HEADER) % {"number": ticket.number, "kind": ticket.get_kind_display()},
            gettext(WHO) % {"name": ticket.contact_name, "phone": ticket.contact_phone},
        ]
        if ticket.updates_id:
            lines.append(gettext(UPDATES) % {"case": f"T-{ticket.updates_id:06d}"})
        if ticket.site:
            lines.append(gettext(WHERE) % {"address": ticket.site.address})
        if ticket.equipment:
            lines.append(gettext(EQUIPMENT) % {"equipment": str(ticket.equipment)})
        if ticket.category:
            lines.append(gettext(CATEGORY) % {"category": gettext(ticket.category.name)})
        lines.append(gettext(SYMPTOM) % {"symptom": ticket.symptom.strip()})
        steps = [text for text in map(_step_text, ticket.script_answers) if text]
        if ticket.steps_tried.strip():
            steps.append(ticket.steps_tried.strip())
        if steps:
            lines.append(gettext(STEPS) % {"steps": "; ".join(steps)})
        if ticket.window_start and ticket.window_end:
            lines.append(
                gettext(WINDOW)
                % {"start": when(ticket.window_start), "end": when(ticket.window_end)}
            )
            if ticket.later_date_reason:
                lines.append(gettext(LATER) % {"reason": ticket.later_date_reason})
        if ticket.booked_for and _booking_worth_saying(ticket):
            lines.append(gettext(BOOKED) % {"day": day(ticket.booked_for)})
        if ticket.response_due:
            lines.append(gettext(RESPONSE) % {"when": when(ticket.response_due)})
        if ticket.resolution_due:
            lines.append(gettext(RESOLUTION) % {"when": when(ticket.resolution_due)})
        if ticket.option_chosen:
            lines.append(gettext(OPTION) % {"option": ticket.get_option_chosen_display()})
        if ticket.special_request.strip():
            lines.append(gettext(SPECIAL) % {"request": ticket.special_request.strip()})
    return "\n".join(lines)


def _booking_worth_saying(ticket: Ticket) -> bool:
    """D1: a request taken after the cut-off or outside hours is booked for a later working day.
    The customer hears that day only while no visit window is agreed: with one, the window names
    the visit's day, and a booking day beside it (the 7th, for a visit on the 8th) reads as a
    contradiction. A request booked for the day it came in says nothing worth reading out."""
    if ticket.booked_for is None or (ticket.window_start and ticket.window_end):
        return False
    came_in = ticket.created_at.astimezone(ZoneInfo(centre_time_zone())).date()
    return ticket.booked_for > came_in


def _step_text(answer: object) -> str:
    """A scripted step done: stored as {"step": ..., "answer": ...} or as the step's text."""
    if isinstance(answer, dict):
        step, said = str(answer.get("step", "")), str(answer.get("answer", ""))
        step = gettext(step) if step else ""
        return f"{step} ({said})" if step and said else step
    return gettext(str(answer)) if answer else ""
