"""Reads of dispatch, scoped by who asks: a provider sees only its own orders (DESIGN 2).

Every list is one page of rows in one query (one row more than a page tells whether there is a
next: no COUNT(*)), plus the providers' loads in two small queries: the number of queries does
not grow with the page size.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import DISPATCHERS
from hotline.core.calendar import BusinessCalendar
from hotline.core.cases import ProviderLoad, choose_provider
from hotline.core.refusal import PolicyRefusal
from hotline.directory.choices import Zone
from hotline.directory.models import Provider
from hotline.dispatch.models import OPEN_STATE_VALUES, UNSIGNED_STATE_VALUES, DeskCheck, WorkOrder
from hotline.paging import page_of
from hotline.rulebook.selectors import centre_calendar, centre_time_zone, current_rulebook
from hotline.tickets.choices import TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.selectors import tickets_for

PAGE_SIZE = 50
BOARD_TABS = ("to_dispatch", "bounced", "late", "leftovers", "providers")
PROVIDER_FILTERS = ("open", "done", "all")
OPEN = Q(state__in=OPEN_STATE_VALUES)  # the same list as the partial indexes


@dataclass(frozen=True)
class RepeatOf:
    """D12: the ticket waits for a second dispatch after an unresolved follow-up."""

    order_number: str  # the first order, found unresolved
    followup_number: str
    score: int | None
    reason: str


# D12: which tickets wait for a repeat visit is follow-up's knowledge, an app above dispatch: it
# registers its source in its AppConfig.ready(), so dispatch imports none of it. Without one
# (follow-up not installed) the board shows no repeat visits.
RepeatSource = Callable[[list[int]], dict[int, RepeatOf]]
_repeat_sources: list[RepeatSource] = []


def repeat_visits_source(source: RepeatSource) -> None:
    """Let `source` tell the board which of the given ticket ids wait for a second dispatch
    (D12), and after which order and follow-up, in one query for the whole page."""
    if source not in _repeat_sources:
        _repeat_sources.append(source)


@dataclass
class BoardRow:
    ticket: Ticket
    suggested: ProviderLoad | None  # D3: the least loaded provider of the region with room
    candidates: list[ProviderLoad]  # the region's providers, for the dispatcher's own choice
    repeat_of: RepeatOf | None = None


@dataclass(frozen=True)
class DeskChecks:
    """D4: a provider's desk checks today against the rulebook's minimum and maximum."""

    provider_id: int
    name: str
    today: int
    minimum: int
    maximum: int

    @property
    def short(self) -> bool:
        """Fewer checks so far today than the minimum: the dispatcher phones the desk."""
        return self.today < self.minimum


@dataclass
class Board:
    tab: str
    page: int
    has_next: bool
    rows: list[Any] = field(default_factory=list)
    providers: list[ProviderLoad] = field(default_factory=list)
    time_zone: str = "UTC"  # the centre's: times on the board are shown in it
    desk_checks: list[DeskChecks] = field(default_factory=list)

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.has_next else None


def dispatch_board(user: User, tab: str = "to_dispatch", page: int = 1, *, now: datetime) -> Board:
    """The dispatcher's lists (D3, E3, D6, D7), 50 a page, with every provider's load."""
    if user.role not in DISPATCHERS:
        raise WorkOrder.DoesNotExist
    tab = tab if tab in BOARD_TABS else "to_dispatch"
    page = max(page, 1)
    zone = centre_time_zone()
    loads = provider_loads()
    checks = desk_checks_today(now, ZoneInfo(zone), loads)
    if tab == "providers":
        return Board(tab, 1, False, provider_zone_counts(now), loads, zone, checks)
    if tab in ("late", "leftovers"):
        orders = late_orders() if tab == "late" else leftover_orders(now)
        rows, has_next = page_of(orders.only(*ORDER_LIST_FIELDS), page, PAGE_SIZE)
        return Board(tab, page, has_next, rows, loads, zone, checks)
    state = TicketState.TO_DISPATCH if tab == "to_dispatch" else TicketState.BOUNCED
    tickets = (
        Ticket.objects.filter(state=state)
        .select_related("customer", "site", "owner")
        .only(*TICKET_LIST_FIELDS)
        .order_by("created_at", "id")  # oldest first: the D2 clock runs on them
    )
    found, has_next = page_of(tickets, page, PAGE_SIZE)
    by_region = _region_providers()
    by_id = {load.provider_id: load for load in loads}
    board_rows = [_board_row(t, by_region, by_id) for t in found]
    repeats = _repeat_visits([t.pk for t in found])
    for row in board_rows:
        row.repeat_of = repeats.get(row.ticket.pk)
    return Board(tab, page, has_next, board_rows, loads, zone, checks)


def _repeat_visits(ticket_ids: list[int]) -> dict[int, RepeatOf]:
    """D12: which of these tickets wait for a second dispatch, as the registered sources say."""
    found: dict[int, RepeatOf] = {}
    for source in _repeat_sources:
        found |= source(ticket_ids)
    return found


def desk_checks_today(now: datetime, zone: ZoneInfo, loads: list[ProviderLoad]) -> list[DeskChecks]:
    """D4: every provider's desk checks of the centre's local day, in one grouped query."""
    rules = current_rulebook()
    counts = dict(
        DeskCheck.objects.filter(day=now.astimezone(zone).date())
        .values_list("provider_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    low, high = rules.count("d4.desk_checks_min"), rules.count("d4.desk_checks_max")
    return [
        DeskChecks(load.provider_id, load.name, counts.get(load.provider_id, 0), low, high)
        for load in loads
    ]


# What the lists show, and no more: a page of 50 full orders would carry 50 ticket copies
# and signature images it never shows.
TICKET_LIST_FIELDS = (
    "kind",
    "created_at",
    "work_order_due",  # D2: the board marks the tickets past it
    "bounce_reason",
    "customer__name",
    "site__address",
    "site__zone",
    "site__region",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)
ORDER_LIST_FIELDS = (
    "state",
    "zone",
    "channel",
    "dispatched_at",
    "contact_due",
    "contacted_at",
    "response_due",
    "sla_due",
    "visit_start",
    "late_at",
    "completed_at",
    "provider__name",
    "ticket__customer__name",
)


def provider_loads(provider_ids: list[int] | None = None) -> list[ProviderLoad]:
    """D3: each provider's open orders against its capacity, in one query: the count runs per
    provider over the open orders only (a partial index), never over every order it ever had."""
    open_orders = (
        WorkOrder.objects.filter(OPEN, provider=OuterRef("pk"))
        .order_by()
        .values("provider")
        .annotate(n=Count("id"))
        .values("n")
    )
    providers = Provider.objects.annotate(open_orders=Coalesce(Subquery(open_orders), 0)).order_by(
        "name", "id"
    )
    if provider_ids is not None:
        providers = providers.filter(pk__in=provider_ids)
    return [
        ProviderLoad(pk, name, open_count, capacity)
        for pk, name, open_count, capacity in providers.values_list(
            "pk", "name", "open_orders", "capacity"
        )
    ]


def _region_providers() -> dict[int, list[int]]:
    regions: dict[int, list[int]] = {}
    for region_id, provider_id in Provider.regions.through.objects.values_list(
        "region_id", "provider_id"
    ):
        regions.setdefault(region_id, []).append(provider_id)
    return regions


def _board_row(
    ticket: Ticket, by_region: dict[int, list[int]], loads: dict[int, ProviderLoad]
) -> BoardRow:
    if ticket.site is None:
        return BoardRow(ticket, None, [])
    candidates = sorted(
        (loads[p] for p in by_region.get(ticket.site.region_id, []) if p in loads),
        key=lambda c: (c.name, c.provider_id),
    )
    try:
        suggested: ProviderLoad | None = choose_provider(candidates)
    except PolicyRefusal:
        suggested = None  # nobody of the region has room: the board says so
    return BoardRow(ticket, suggested, candidates)


def late_orders() -> QuerySet[WorkOrder]:
    """D6: open orders over their response limit, longest late first: the ones to urge."""
    return (
        WorkOrder.objects.filter(OPEN, late_at__isnull=False)
        .select_related("ticket__customer", "provider")
        .order_by("late_at", "id")
    )


def leftover_orders(
    now: datetime | None, calendar: BusinessCalendar | None = None
) -> QuerySet[WorkOrder]:
    """D7: orders still open from before today's opening, to follow up first thing."""
    if now is None:
        return WorkOrder.objects.none()
    calendar = calendar or centre_calendar()
    today = now.astimezone(calendar.tz()).date()
    return (
        WorkOrder.objects.filter(OPEN, dispatched_at__lt=calendar.opening_on(today))
        .select_related("ticket__customer", "provider")
        .order_by("dispatched_at", "id")
    )


def morning_leftovers(now: datetime) -> list[WorkOrder]:
    return list(leftover_orders(now))


def provider_zone_counts(now: datetime) -> list[dict[str, Any]]:
    """Open orders per provider and zone, in one grouped query: those late by D6 (the zone's
    limit, the provider's lateness) and, apart, those past the customer's SLA time."""
    rows = list(
        WorkOrder.objects.filter(OPEN)
        .values("provider_id", "provider__name", "zone")
        .annotate(
            open=Count("id"),
            late=Count("id", filter=Q(late_at__isnull=False)),
            past_sla=Count("id", filter=Q(sla_due__lt=now)),
        )
        .order_by("provider__name", "zone")
    )
    for row in rows:
        row["zone_label"] = str(Zone(row["zone"]).label)
        row["sla_breached"] = row.pop("past_sla")  # the model's method has the name
    return rows


def provider_orders(
    user: User, filter: str = "open", page: int = 1
) -> tuple[list[WorkOrder], bool]:
    """The provider portal: the user's provider's orders only, soonest due first when open."""
    if user.role != Role.PROVIDER or user.provider_id is None:
        return [], False
    query = (
        WorkOrder.objects.filter(provider_id=user.provider_id)
        .select_related("ticket__customer", "ticket__site")
        .only(*ORDER_LIST_FIELDS[:-2], "ticket__customer__name", "ticket__site__address")
    )
    unsigned = Q(state__in=UNSIGNED_STATE_VALUES)  # completed ones still need the signature
    if filter == "done":
        query = query.exclude(unsigned).order_by("-dispatched_at", "-id")
    elif filter == "all":
        query = query.order_by("-dispatched_at", "-id")
    else:
        query = query.filter(unsigned).order_by("response_due", "id")
    return page_of(query, page, PAGE_SIZE)


def work_order_for(user: User, order_id: int) -> WorkOrder:
    """One order, if this user may see it: an agent the orders of the cases they may open (their
    own), dispatchers, team leads and managers any, a provider its own, a customer theirs.

    Anything else raises DoesNotExist, so a stranger can't tell a hidden order from none."""
    query = _orders_visible_to(
        user,
        WorkOrder.objects.select_related(
            "ticket__customer", "ticket__site", "provider", "region", "dispatched_by"
        ),
    )
    return query.get(pk=order_id)


def work_order_visible(user: User, order_id: int) -> bool:
    """Whether this user may open the order (`work_order_for`), without loading it."""
    return _orders_visible_to(user, WorkOrder.objects.filter(pk=order_id)).exists()


def _orders_visible_to(user: User, query: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    if user.role == Role.PROVIDER and user.provider_id is not None:
        query = query.filter(provider_id=user.provider_id)
    elif user.role == Role.CUSTOMER and user.customer_id is not None:
        query = query.filter(ticket__customer_id=user.customer_id)
    elif user.role == Role.AGENT:
        # The order carries the case's customer, phone, address and symptom: it follows the case.
        query = query.filter(ticket__in=tickets_for(user).values("pk"))
    elif user.role not in DISPATCHERS:
        query = query.none()
    return query
