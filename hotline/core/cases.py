"""Case rules without Django: promises (C2, D1, D6, A5), ticket quality (E3), provider choice
(D3), escalation rules (A6) and the signature seal (E6)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from hotline.core.calendar import BusinessCalendar, D1Booking, d1_booking
from hotline.core.i18n import gettext_noop
from hotline.core.refusal import PolicyRefusal
from hotline.core.seal import signature_seal as signature_seal  # E6, kept importable here
from hotline.core.timeutil import as_utc

# --- C2 / D1 / D6: what the customer is told on creation ------------------------------------


@dataclass(frozen=True)
class Promises:
    """The deadlines a new case shows at once (C2)."""

    booking: D1Booking  # D1: when work may start
    response_due: datetime  # the stricter of the SLA response time and the D6 zone limit
    resolution_due: datetime | None  # from the SLA, when it gives one


def case_promises(
    *,
    now: datetime,
    calendar: BusinessCalendar,
    cutoff: time,
    business_premises: bool,
    zone_limit: timedelta,
    sla_response: timedelta | None,
    sla_resolution: timedelta | None,
    customer_date: datetime | None = None,
) -> Promises:
    """C2: count from the D1 booking; the customer may choose a later date (D6), never earlier."""
    booking = d1_booking(now, calendar, cutoff, business_premises)
    limit = min(zone_limit, sla_response) if sla_response else zone_limit
    response_due = booking.earliest + limit
    if customer_date is not None and as_utc(customer_date) > response_due:
        response_due = as_utc(customer_date)
    resolution_due = booking.earliest + sla_resolution if sla_resolution else None
    if resolution_due is not None and resolution_due < response_due:
        resolution_due = response_due
    return Promises(booking, response_due, resolution_due)


# C1: "a reasonable time" for a visit. POLICIES.md gives no number for these: they are the
# bounds of what can be a visit window at all (a typo's year 9999, yesterday), not rules of the
# centre, so constants (README, API: cases) rather than rulebook settings.
WINDOW_PAST_TOLERANCE = timedelta(minutes=15)  # a window agreed a little late on the call
WINDOW_HORIZON = timedelta(days=180)  # the furthest ahead a visit is booked
WINDOW_LONGEST = timedelta(hours=24)  # a visit window, not a week to wait at home

WINDOW_OUT_OF_BOUNDS = gettext_noop(
    "A visit window starts at most %(tolerance)s in the past, ends within %(horizon)s from now "
    "and lasts at most %(longest)s."
)


def window_in_bounds(*, start: datetime, end: datetime, now: datetime) -> bool:
    """C1: whether a window is a window at all: not past (beyond the tolerance), not beyond the
    horizon, not longer than a visit. Dates at the edge of the calendar (year 1, 9999) are out
    of bounds rather than an overflow."""
    try:
        start_utc, end_utc = as_utc(start), as_utc(end)
        earliest = as_utc(now) - WINDOW_PAST_TOLERANCE
        latest = as_utc(now) + WINDOW_HORIZON
    except OverflowError:
        return False
    return earliest <= start_utc and end_utc <= latest and end_utc - start_utc <= WINDOW_LONGEST


def check_appointment(
    *,
    start: datetime,
    end: datetime,
    booking: D1Booking,
    response_due: datetime,
    customer_chose_later: bool,
    on_site_covered: bool,
    provider_has_capacity: bool,
) -> None:
    """A5 / C1 / D6: offer a visit window only where the SLA and the providers' capacity allow it.

    `response_due` is the limit the SLA and the zone give (D6). A window ending later is
    promised only when the customer chose the later date (D6: "unless the customer chose a
    later date"); it is never taken as their choice silently.
    """
    if end <= start:
        raise PolicyRefusal("C1", gettext_noop("A visit window must end after it starts."))
    if not on_site_covered:
        raise PolicyRefusal(
            "A5", gettext_noop("The customer's service agreement does not cover on-site visits.")
        )
    if as_utc(start) < booking.earliest:
        raise PolicyRefusal(
            "D1",
            gettext_noop("The earliest visit that can be promised is %(earliest)s."),
            {"earliest": booking.earliest},
        )
    if as_utc(end) > as_utc(response_due) and not customer_chose_later:
        raise PolicyRefusal(
            "A5",
            gettext_noop(
                "The window ends after %(due)s, the latest response the agreement and the zone "
                "allow. Offer an earlier window, or record that the customer chose a later date "
                "and why (D6)."
            ),
            {"due": response_due},
        )
    if not provider_has_capacity:
        raise PolicyRefusal(
            "A5",
            gettext_noop(
                "No service provider of the region has free capacity: no visit can be promised."
            ),
        )


def check_covered(service: str, covered_services: Sequence[str]) -> None:
    """A5: promise only services the agreement covers (an empty list covers everything)."""
    if covered_services and service not in covered_services:
        raise PolicyRefusal(
            "A5",
            gettext_noop("The customer's service agreement does not cover %(service)s."),
            {"service": service},
        )


@dataclass(frozen=True)
class ContractTerms:
    """What A5 needs of a service agreement to choose it for a case."""

    contract_id: int
    order: int
    covered_services: tuple[str, ...]  # empty: every service


def first_matching_contract(
    *,
    service: str | None,
    own: Iterable[ContractTerms],
    defaults: Iterable[ContractTerms],
) -> int | None:
    """A5 / C2: the customer's first agreement (by order, then id) that covers `service`, else
    the first default one. `service` None (a complaint, an enquiry) matches any agreement."""

    def covers(terms: ContractTerms) -> bool:
        return service is None or not terms.covered_services or service in terms.covered_services

    for terms in sorted(own, key=lambda t: (t.order, t.contract_id)):
        if covers(terms):
            return terms.contract_id
    fallback = sorted(defaults, key=lambda t: (t.order, t.contract_id))
    return fallback[0].contract_id if fallback else None


# --- B7: warn before a promise is missed ---------------------------------------------------------


def b7_warning_due(*, promised_at: datetime, due: datetime, warn_before: timedelta) -> datetime:
    """B7: when to warn the customer that a promised visit or callback may be missed.

    `warn_before` ahead of the due time, but never in the first half of the promise: a
    30-minute callback must not warn the moment it is promised.
    """
    halfway = promised_at + (due - promised_at) / 2
    return max(due - warn_before, halfway)


# --- E3: the facts a technician needs ----------------------------------------------------------

MIN_SYMPTOM_LENGTH = 15  # "broken" is not a symptom; "no cooling, fan runs" is


@dataclass(frozen=True)
class TicketFacts:
    symptom: str
    equipment: bool
    address: bool
    contact_name: str
    contact_phone: str
    time_window: bool
    steps_tried: str
    script_steps_done: int
    needs_visit: bool


@dataclass(frozen=True)
class MissingFact:
    code: str
    message: str  # English template, translated where it is shown


def quality_check(facts: TicketFacts) -> list[MissingFact]:
    """E3: what a technician would have to phone back about. Empty when the ticket is ready."""
    missing: list[MissingFact] = []
    if len(facts.symptom.strip()) < MIN_SYMPTOM_LENGTH:
        missing.append(
            MissingFact(
                "symptom",
                gettext_noop("Describe the symptom: what happens, when, any error code."),
            )
        )
    if not facts.steps_tried.strip() and facts.script_steps_done == 0:
        missing.append(
            MissingFact("steps_tried", gettext_noop("Record what the customer already tried."))
        )
    if not (facts.contact_name.strip() and facts.contact_phone.strip()):
        missing.append(
            MissingFact("contact", gettext_noop("Give a contact name and phone number."))
        )
    if facts.needs_visit:
        if not facts.equipment:
            missing.append(
                MissingFact("equipment", gettext_noop("Name the equipment (model, serial)."))
            )
        if not facts.address:
            missing.append(MissingFact("address", gettext_noop("Choose the site's address.")))
        if not facts.time_window:
            missing.append(
                MissingFact("time_window", gettext_noop("Agree a time window for the visit."))
            )
    return missing


# --- D3: which provider ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderLoad:
    provider_id: int
    name: str
    open_orders: int
    capacity: int

    @property
    def has_room(self) -> bool:
        return self.open_orders < self.capacity

    @property
    def load(self) -> float:
        return self.open_orders / self.capacity if self.capacity else 1.0


def choose_provider(candidates: Iterable[ProviderLoad]) -> ProviderLoad:
    """D3: of the region's providers with room, the least loaded (then by name, to be stable)."""
    with_room = [c for c in candidates if c.has_room]
    if not with_room:
        raise PolicyRefusal(
            "D3",
            gettext_noop("No service provider of the region has free capacity."),
        )
    return min(with_room, key=lambda c: (c.load, c.name, c.provider_id))


def check_provider(candidate: ProviderLoad, region_provider_ids: Iterable[int]) -> None:
    """D3: a dispatcher may pick another provider, but only one of the region with room."""
    if candidate.provider_id not in set(region_provider_ids):
        raise PolicyRefusal(
            "D3",
            gettext_noop("%(provider)s does not serve this region."),
            {"provider": candidate.name},
        )
    if not candidate.has_room:
        raise PolicyRefusal(
            "D3",
            gettext_noop("%(provider)s is at capacity (%(open)s of %(capacity)s open orders)."),
            {
                "provider": candidate.name,
                "open": candidate.open_orders,
                "capacity": candidate.capacity,
            },
        )


# --- A6: escalation rules are configuration ------------------------------------------------------


@dataclass(frozen=True)
class EscalationStep:
    rule_id: int
    kind: str  # "" for every kind
    contract_id: int | None  # None for every contract
    open_for: timedelta
    level: int


def due_escalations(
    *,
    steps: Iterable[EscalationStep],
    kind: str,
    contract_id: int | None,
    created_at: datetime,
    now: datetime,
    already_fired: Iterable[int],
) -> list[EscalationStep]:
    """A6: the configured steps that now apply to an open case and have not fired yet."""
    fired = set(already_fired)
    age = as_utc(now) - as_utc(created_at)
    return sorted(
        (
            s
            for s in steps
            if s.rule_id not in fired
            and s.kind in ("", kind)
            and s.contract_id in (None, contract_id)
            and age >= s.open_for
        ),
        key=lambda s: (s.level, s.open_for),
    )


# --- E6: the seal of a signed work order: hotline/core/seal.py --------------------------
