"""A5 / C1 / D1 / D6: the visit window offered to the customer, and what it promises.

The promises follow the window as it is now: a window past the response limit is promised only
when the agent records that the customer chose that later date, and why (D6); correcting the
window recounts the promises, so a typo's year-long wait does not outlive the typo.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from hotline.accounts.models import User
from hotline.audit.payload import iso
from hotline.audit.services import event_append
from hotline.core.calendar import D1Booking
from hotline.core.cases import (
    WINDOW_HORIZON,
    WINDOW_LONGEST,
    WINDOW_OUT_OF_BOUNDS,
    WINDOW_PAST_TOLERANCE,
    ProviderLoad,
    check_appointment,
    window_in_bounds,
)
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import Rulebook
from hotline.core.timeutil import as_utc
from hotline.directory.models import Provider
from hotline.formatting import duration_text
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.choices import FIELD_KINDS
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import LATER_REASON_LENGTH, Ticket
from hotline.tickets.services.common import (
    EDITABLE_STATES,
    check_state,
    lock_worked_ticket,
    void_read_back,
)
from hotline.tickets.services.promises import d1_booking_of, promises_for, set_promises

# A5: a provider's load is its open work orders, which dispatch (an app above tickets) counts: it
# registers its count here in its AppConfig.ready(), so tickets import none of it. Without one
# no order is open anywhere, and a provider has room when it has any capacity at all.
ProviderLoads = Callable[[list[int]], list[ProviderLoad]]
_provider_loads: list[ProviderLoads] = []


def provider_loads_source(source: ProviderLoads) -> None:
    """Let `source` give the loads (open orders against capacity) of the given providers, for
    A5: a visit window is promised only while a provider of the region has room."""
    if source not in _provider_loads:
        _provider_loads.append(source)


def _region_has_room(provider_ids: list[int]) -> bool:
    if not _provider_loads:
        return Provider.objects.filter(pk__in=provider_ids, capacity__gt=0).exists()
    return any(load.has_room for source in _provider_loads for load in source(provider_ids))


def check_window_input(start: datetime, end: datetime, now: datetime) -> None:
    """C1: a window is a window at all (422, not a rule's refusal): with its time zone, not in
    the past, not beyond the horizon, not longer than a visit."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError(gettext("Give the window with its time zone."))
    if not window_in_bounds(start=start, end=end, now=now):
        raise ValidationError(
            gettext(WINDOW_OUT_OF_BOUNDS)
            % {
                "tolerance": duration_text(WINDOW_PAST_TOLERANCE),
                "horizon": gettext("%(n)s days") % {"n": WINDOW_HORIZON.days},
                "longest": duration_text(WINDOW_LONGEST),
            }
        )


def window_booking(ticket: Ticket, rules: Rulebook) -> D1Booking:
    """D1: the earliest a visit may be promised; a special request may ask for earlier (the team
    lead approves it after the read-back)."""
    if ticket.special_request.strip():
        return D1Booking(as_utc(ticket.created_at), deferred=False, reason="open")
    return d1_booking_of(ticket, rules)


def ticket_set_window(
    *,
    actor: User,
    now: datetime,
    ticket: Ticket,
    start: datetime,
    end: datetime,
    customer_chose_later: bool = False,
    later_reason: str = "",
) -> Ticket:
    """A5 / C1 / D1 / D6: a window the SLA covers, not before the D1 booking, with provider room,
    ending by the response limit unless the customer chose a later date (said why; audited)."""
    check_window_input(start, end, now)
    later_reason = later_reason.strip()
    if len(later_reason) > LATER_REASON_LENGTH:
        raise ValidationError(
            gettext("The reason is too long (at most %(limit)s characters).")
            % {"limit": LATER_REASON_LENGTH}
        )
    with transaction.atomic():
        ticket = lock_worked_ticket(actor, ticket)
        check_state(ticket, EDITABLE_STATES, "E2")
        if ticket.kind not in FIELD_KINDS:
            raise PolicyRefusal("C1", gettext_noop("Only a visit needs a time window."))
        if ticket.site is None:
            raise PolicyRefusal("E3", gettext_noop("Choose the site's address first."))
        rules = current_rulebook()
        limit = promises_for(ticket, rules, later=None).response_due  # SLA and zone (D6)
        later = customer_chose_later and as_utc(end) > limit
        if later and not later_reason:
            raise PolicyRefusal(
                "D6",
                gettext_noop("Say why the customer chose a later date than %(due)s."),
                {"due": limit},
            )
        contract = ticket.contract
        region_ids = list(ticket.site.region.providers.values_list("pk", flat=True))
        check_appointment(
            start=start,
            end=end,
            booking=window_booking(ticket, rules),
            response_due=limit,
            customer_chose_later=later,
            on_site_covered=contract.on_site if contract else True,
            provider_has_capacity=_region_has_room(region_ids),
        )
        old = _window_facts(ticket)
        ticket.window_start, ticket.window_end = as_utc(start), as_utc(end)
        # D6: the later date is the customer's only when it is later than the limit.
        ticket.later_date_reason = later_reason if later else ""
        ticket.later_date_by = actor if later else None
        ticket.later_date_at = now if later else None
        set_promises(ticket, rules)
        void_read_back(ticket)
        ticket.save()
        event_append(
            actor=actor,
            now=now,
            entity=TicketsEntity.TICKET,
            entity_id=ticket.pk,
            action=TicketAction.WINDOW_SET,
            rule="D6" if later else "C1",
            old=old,
            new=_window_facts(ticket),
            reason=ticket.later_date_reason,
        )
    return ticket


def _window_facts(ticket: Ticket) -> dict[str, Any]:
    return {
        "start": iso(ticket.window_start),
        "end": iso(ticket.window_end),
        "later_date": ticket.later_date_reason or None,
        "response_due": iso(ticket.response_due),
        "resolution_due": iso(ticket.resolution_due),
    }


def refit_window(ticket: Ticket, rules: Rulebook) -> bool:
    """After the site changed (another zone, other premises): recount the promises, and drop a
    window the new site's promises no longer allow, so the agent agrees a new one (E3 asks for
    it). Returns whether the window was dropped."""
    dropped = False
    start, end = ticket.window_start, ticket.window_end
    if start is not None and end is not None:
        limit = promises_for(ticket, rules, later=None).response_due
        too_early = as_utc(start) < window_booking(ticket, rules).earliest
        too_late = as_utc(end) > limit and not ticket.later_date_reason
        if too_early or too_late:
            ticket.window_start = ticket.window_end = None
            ticket.later_date_reason, ticket.later_date_by, ticket.later_date_at = "", None, None
            dropped = True
    set_promises(ticket, rules)
    return dropped
