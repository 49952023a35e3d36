"""D13: the monthly report per provider, from the event log and the case tables.

Definitions:
- *dispatched*: work orders with ``dispatched_at`` in the month; *completed*: ``completed_at``
  in the month; *signed*: ``signed_at`` in the month.
- *due*: orders whose D6 response limit (``response_due``) fell in the month; *late*: the
  ``late`` events (entity ``dispatch.work_order``, rule D6) in the month, by the provider they
  name; *on time* = 1 - late / due.
- *D4 misses*: ``contact_missed`` and ``status_missed`` events in the month.
- *complaints*: complaint tickets created in the month, charged to the provider of the work
  order the complaint names (the newest of the case it updates when it was recorded; for one
  recorded before complaints named their order, the case's newest order); their outcome is the
  complaint's state.
- *repeat visits*: orders dispatched in the month as a second dispatch (``second_dispatch_of``),
  charged to the provider of the first order; *first-time fix* = 1 - repeat visits / completed.
- *follow-ups*: follow-up calls done in the month (``FollowUp.done_at``), by the provider of
  the order followed up; satisfaction is their mean score (1-5) per kind of work.
- *fault structure*: field cases (repair, installation, commissioning) with a category created
  in the month, each category's share tested against its history (hotline.core.reportmath).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline.audit.models import Event
from hotline.calls.events import LATE_SECONDS, AgentAction, CallAction, CallsEntity
from hotline.calls.limits import over_limit_call_ids
from hotline.core.reportmath import (
    Period,
    ShareTest,
    ShareVerdict,
    month_period,
    previous_months,
    rate,
    share_verdict,
)
from hotline.directory.models import Customer
from hotline.dispatch.models import WorkOrder
from hotline.reports.tables import Chart, Column, Section
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.choices import FIELD_KINDS, ComplaintState, TicketKind
from hotline.tickets.models import Chase, Complaint, FaultCategory, Ticket

FAULT_TEST = ShareTest()


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


# --- complaints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintRow:
    ticket_id: int
    state: str
    provider_id: int | None
    open: bool
    replied_in_time: bool | None


def complaints_in(period: Period) -> list[ComplaintRow]:
    """D9 complaints recorded in the month, each charged to the provider of the work order it is
    about (`Complaint.work_order`, recorded with the complaint: a later second dispatch to
    another provider does not move it). A complaint recorded before it named its order falls
    back to the newest work order of the case it updates; about no order, to nobody."""
    tickets = list(
        Ticket.objects.filter(
            kind=TicketKind.COMPLAINT, created_at__gte=period.start, created_at__lt=period.end
        ).values("pk", "updates_id")
    )
    none: dict[str, Any] = {}
    records: dict[int, dict[str, Any]] = {
        c["ticket_id"]: dict(c)
        for c in Complaint.objects.filter(ticket_id__in=[t["pk"] for t in tickets]).values(
            "ticket_id", "state", "replied_at", "reply_due", "work_order__provider_id"
        )
    }
    about = [
        t["updates_id"]
        for t in tickets
        if t["updates_id"] and not records.get(t["pk"], none).get("work_order__provider_id")
    ]
    newest_provider: dict[int, int] = {}
    for ticket_id, provider_id in (
        WorkOrder.objects.filter(ticket_id__in=about)
        .order_by("dispatched_at", "id")
        .values_list("ticket_id", "provider_id")
    ):
        newest_provider[ticket_id] = provider_id  # the newest order wins
    closed = {ComplaintState.SETTLED, ComplaintState.ANSWERED}
    rows = []
    for t in tickets:
        record = records.get(t["pk"], none)
        state = record.get("state") or ComplaintState.RECORDED
        replied, due = record.get("replied_at"), record.get("reply_due")
        rows.append(
            ComplaintRow(
                ticket_id=t["pk"],
                state=state,
                provider_id=record.get("work_order__provider_id")
                or newest_provider.get(t["updates_id"]),
                open=state not in closed,
                replied_in_time=(replied <= due) if replied and due else None,
            )
        )
    return rows


# --- follow-ups --------------------------------------------------------------------------------


@dataclass
class FollowupTally:
    calls: int = 0
    resolved: int = 0
    scored: int = 0
    score_sum: int = 0

    def add(self, other: "FollowupTally") -> None:
        self.calls += other.calls
        self.resolved += other.resolved
        self.scored += other.scored
        self.score_sum += other.score_sum

    @property
    def unresolved(self) -> int:
        return self.calls - self.resolved

    @property
    def mean_score(self) -> float | None:
        return round(self.score_sum / self.scored, 2) if self.scored else None


FollowupFigures = dict[tuple[int, str], FollowupTally]  # (provider, kind) -> tally


def followup_figures(period: Period) -> FollowupFigures:
    """C6/D12 results of the month: follow-up calls done in it (``done_at``), by the provider
    of the order followed up and the kind of work, from the follow-up records."""
    from hotline.followup.models import FollowUp

    out: FollowupFigures = {}
    for row in (
        FollowUp.objects.filter(_in("done_at", period), resolved__isnull=False)
        .values("kind", p=F("work_order__provider_id"))
        .annotate(
            calls=Count("id"),
            resolved=Count("id", filter=Q(resolved=True)),
            scored=Count("score"),
            score_sum=Sum("score"),
        )
        .order_by()
    ):
        out[(row["p"], row["kind"])] = FollowupTally(
            row["calls"], row["resolved"], row["scored"], row["score_sum"] or 0
        )
    return out


# --- fault structure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultRow:
    category: FaultCategory
    verdict: ShareVerdict


def fault_structure(first: date, zone: ZoneInfo, test: ShareTest = FAULT_TEST) -> list[FaultRow]:
    """Each category's share of this month's field cases against its own last months."""
    months = [*previous_months(first, test.history_months), first]
    counts: dict[tuple[date, int], int] = defaultdict(int)
    totals: dict[date, int] = defaultdict(int)
    for month in months:  # a range of the created-kind-category index per month
        period = month_period(month, zone)
        for category_id, n in (
            Ticket.objects.filter(
                _in("created_at", period),
                kind__in=[str(k) for k in FIELD_KINDS],
                category__isnull=False,
            )
            .values_list("category_id")
            .annotate(n=Count("category_id"))  # every column read is in the index
            .order_by()
        ):
            counts[(month, category_id)] += n
            totals[month] += n
    verdicts = []
    for category in FaultCategory.objects.order_by("name"):
        history = [(counts[(m, category.pk)], totals[m]) for m in months[:-1]]
        verdict = share_verdict(counts[(first, category.pk)], totals[first], history, test)
        if verdict.count or verdict.baseline:
            verdicts.append(FaultRow(category, verdict))
    return verdicts


# --- customer records and the floor ------------------------------------------------------------


def customer_statistics(period: Period) -> list[dict[str, Any]]:
    tickets = Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    per_customer = tickets.values("customer_id").annotate(n=Count("id")).order_by()
    served = per_customer.count()
    repeat = per_customer.filter(n__gt=1).count()
    # New: a case this month and none before it (an index probe per customer served).
    earlier = Ticket.objects.filter(customer_id=OuterRef("pk"), created_at__lt=period.start)
    new = (
        Customer.objects.filter(pk__in=tickets.values("customer_id"))
        .exclude(Exists(earlier))
        .count()
    )
    total_tickets = tickets.count()
    figures: list[tuple[Any, Any]] = [
        (_("Customer records"), Customer.objects.count()),
        (_("Customers with a case this month"), served),
        (_("New customers (first case ever)"), new),
        (_("Customers with more than one case"), repeat),
        (_("Cases this month"), total_tickets),
        (_("Cases per customer served"), round(total_tickets / served, 2) if served else None),
        (
            _("Customer chases (D8)"),
            Chase.objects.filter(at__gte=period.start, at__lt=period.end).count(),
        ),
    ]
    by_kind = dict(tickets.values_list("kind").annotate(n=Count("id")).order_by())
    for kind in TicketKind:
        figures.append((kind.label, by_kind.get(kind.value, 0)))
    return [{"figure": str(label), "value": value} for label, value in figures]


FLOOR_ACTIONS = {
    (CallsEntity.CALL, CallAction.ARRIVED): "arrived",
    (CallsEntity.CALL, CallAction.ANSWERED): "answered",
    (CallsEntity.CALL, CallAction.ABANDONED): "abandoned",
    (CallsEntity.CALL, CallAction.OVERFLOWED): "overflowed",
    (CallsEntity.CALL, CallAction.TURNED_INTO_CALLBACK): "callbacks",
    (CallsEntity.AGENT, AgentAction.BREAK_OVERRUN): "break_overruns",
}


def floor_month(period: Period) -> dict[str, int]:
    """The month's call floor, counted from the call and agent events (range scans of the
    entity-action-time index; only the A1 and B1 counts read the events' payloads)."""
    figures = dict.fromkeys([*FLOOR_ACTIONS.values(), "over_limit", "late_logins"], 0)
    for (entity, action), key in FLOOR_ACTIONS.items():
        # One equality range of the entity-action-time index each: index-only counts.
        figures[key] += Event.objects.filter(
            _in("at", period), entity=entity, action=action
        ).count()
    # A1 per call: the limit of its queue, else its team's, else the centre's.
    figures["over_limit"] = len(
        over_limit_call_ids(
            current_rulebook(),
            Event.objects.filter(
                _in("at", period), entity=CallsEntity.CALL, action=CallAction.ENDED
            ),
        )
    )
    figures["late_logins"] = Event.objects.filter(
        _in("at", period),
        entity=CallsEntity.AGENT,
        action=AgentAction.FIRST_READY,
        **{f"new__{LATE_SECONDS}__gt": 0},
    ).count()
    return figures


# --- the sections ------------------------------------------------------------------------------


def complaint_section(complaints: list[ComplaintRow], provider_ids: set[int] | None) -> Section:
    section = Section(
        "complaints",
        _("Complaints and their outcome"),
        "D9",
        [
            Column("outcome", _("Outcome"), "text"),
            Column("complaints", _("Complaints")),
            Column("replied_in_time", _("Engineer replied in time")),
        ],
    )
    counts: dict[str, int] = defaultdict(int)
    in_time: dict[str, int] = defaultdict(int)
    for row in complaints:
        if provider_ids is not None and row.provider_id not in provider_ids:
            continue
        counts[row.state] += 1
        in_time[row.state] += int(bool(row.replied_in_time))
    for state in ComplaintState:
        section.rows.append(
            {
                "outcome": str(state.label),
                "complaints": counts.get(state.value, 0),
                "replied_in_time": in_time.get(state.value, 0),
            }
        )
    return section


def satisfaction_section(followups: FollowupFigures, provider_ids: set[int] | None) -> Section:
    section = Section(
        "satisfaction",
        _("Satisfaction for installation and repair"),
        "D12",
        [
            Column("kind", _("Kind"), "text"),
            Column("followups", _("Follow-ups")),
            Column("resolved", _("Resolved"), "share"),
            Column("satisfaction", _("Mean satisfaction"), "float"),
        ],
        chart=Chart("kind", ("satisfaction",)),
    )
    for kind in (TicketKind.INSTALLATION, TicketKind.REPAIR):
        total = FollowupTally()
        for (provider_id, of_kind), tally in followups.items():
            if of_kind == kind and (provider_ids is None or provider_id in provider_ids):
                total.add(tally)
        section.rows.append(
            {
                "kind": str(kind.label),
                "followups": total.calls,
                "resolved": rate(total.resolved, total.calls),
                "satisfaction": total.mean_score,
            }
        )
    return section


def fault_section(first: date, zone: ZoneInfo) -> tuple[Section, list[FaultRow]]:
    test = FAULT_TEST
    section = Section(
        "faults",
        _("Fault structure"),
        "D13",
        [
            Column("category", _("Fault category"), "text"),
            Column("count", _("Cases")),
            Column("share", _("Share this month"), "share"),
            Column("baseline", _("Usual share"), "share"),
            Column("z", _("z-score"), "float"),
            Column("p_value", _("p-value"), "float"),
            Column("alert", _("Abnormally high"), "bool"),
        ],
        chart=Chart("category", ("share",), marker_key="baseline", percent=True, alert_key="alert"),
        note=_(
            "Each category's share of the month's field cases is tested against its pooled "
            "share over the previous %(months)s months (one-sided exact binomial test): it is "
            "abnormally high when p < %(alpha)s, with at least %(min)s cases and %(history)s "
            "months of history."
        )
        % {
            "months": test.history_months,
            "alpha": test.alpha,
            "min": test.min_count,
            "history": test.min_history_months,
        },
    )
    rows = fault_structure(first, zone, test)
    for row in rows:
        v = row.verdict
        section.rows.append(
            {
                "category": gettext(row.category.name),  # seeded names are in the catalogs
                "count": v.count,
                "share": v.share,
                "baseline": v.baseline,
                "z": None if v.z is None else round(v.z, 2),
                "p_value": None if v.p_value is None else float(f"{v.p_value:.3g}"),
                "alert": v.abnormal,
            }
        )
    return section, rows


def floor_section(period: Period) -> Section:
    figures = floor_month(period)
    labels = {
        "arrived": _("Calls arrived"),
        "answered": _("Calls answered"),
        "abandoned": _("Calls abandoned"),
        "overflowed": _("Calls overflowed (A2)"),
        "callbacks": _("Turned into callbacks (B8)"),
        "over_limit": _("Calls over the limit (A1)"),
        "late_logins": _("Late log-ins (B1)"),
        "break_overruns": _("Break overruns (B2)"),
    }
    return Section(
        "floor",
        _("The call floor this month"),
        "D13",
        [Column("figure", _("Figure"), "text"), Column("value", _("Value"))],
        rows=[{"figure": str(labels[k]), "value": figures[k]} for k in labels],
    )


def customer_section(period: Period) -> Section:
    return Section(
        "customers",
        _("Customer-record statistics"),
        "D13",
        [Column("figure", _("Figure"), "text"), Column("value", _("Value"), "float")],
        rows=customer_statistics(period),
    )
