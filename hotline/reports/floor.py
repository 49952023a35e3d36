"""D7 (daily) and D15 (weekly): per agent and for the day's or week's cases, from the events.

Per agent, over the period:
- *calls handled* (A3): the ``answered`` call events naming the agent; the target is the A3
  setting of the agent's team, per day worked;
- *over the limit* (A1): the agent's calls whose ``ended`` event in the period carries a talk
  longer than the A1 maximum of the call's queue (else its team's, else the centre's);
- *taken over* (B10): the agent's calls a team lead took over in the period; the agent who
  answered keeps the call in *calls handled*;
- *late log-ins* (B1): the agent's ``first_ready`` events with ``late_seconds > 0``;
- *break overruns* (B2): the agent's ``break_overrun`` events;
- *quality reviews* (B11): the ``reviewed`` events of the agent's calls written in the period,
  the mean of their scores, and how many found a colleague run down in front of the customer.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.calls.events import (
    AGENT,
    CONDUCT_BREACH,
    LATE_SECONDS,
    SCORE,
    AgentAction,
    CallAction,
    CallsEntity,
    ReviewAction,
)
from hotline.calls.figures import (
    SERVICE_LEVEL_THRESHOLD,
    SHORT_ABANDON,
    call_records,
    taken_over_from,
)
from hotline.calls.limits import over_limit_call_ids
from hotline.core.kpi import (
    abandonment_rate,
    average_handle_time,
    average_speed_of_answer,
    service_level_strict,
)
from hotline.core.reportmath import Period
from hotline.core.scorecard import average_score
from hotline.dispatch.choices import OPEN_ORDER_STATES, UrgeReason
from hotline.dispatch.events import DispatchEntity, WorkOrderAction
from hotline.dispatch.models import Urge, WorkOrder
from hotline.reports.tables import Chart, Column, Section
from hotline.rulebook.selectors import current_rulebook
from hotline.tickets.choices import ComplaintState, TicketKind
from hotline.tickets.events import TicketAction, TicketsEntity
from hotline.tickets.models import Complaint, Incident, Ticket


def _events(period: Period, entity: str, action: str) -> QuerySet[Event]:
    return Event.objects.filter(
        entity=entity, action=action, at__gte=period.start, at__lt=period.end
    )


def agent_rows(period: Period, agents: list[User], zone: ZoneInfo) -> list[dict[str, Any]]:
    rules = current_rulebook()
    ids = {str(a.pk) for a in agents}
    handled: dict[str, int] = defaultdict(int)
    days: dict[str, set[date]] = defaultdict(set)
    per_day: dict[tuple[str, date], int] = defaultdict(int)
    for at, new in _events(period, CallsEntity.CALL, CallAction.ANSWERED).values_list("at", "new"):
        who = str((new or {}).get(AGENT, ""))
        if who in ids:
            handled[who] += 1
            day = at.astimezone(zone).date()
            days[who].add(day)
            per_day[(who, day)] += 1
    long_calls = over_limit_call_ids(rules, _events(period, CallsEntity.CALL, CallAction.ENDED))
    taken = taken_over_from([a.pk for a in agents], period.start, period.end)
    over: dict[str, int] = defaultdict(int)
    for new in Event.objects.filter(
        entity=CallsEntity.CALL, action=CallAction.ANSWERED, entity_id__in=long_calls
    ).values_list("new", flat=True):
        over[str((new or {}).get(AGENT, ""))] += 1
    late: dict[str, int] = defaultdict(int)
    late_minutes: dict[str, int] = defaultdict(int)
    for agent_id, new in (
        _events(period, CallsEntity.AGENT, AgentAction.FIRST_READY)
        .filter(entity_id__in=ids, **{f"new__{LATE_SECONDS}__gt": 0})
        .values_list("entity_id", "new")
    ):
        late[agent_id] += 1
        late_minutes[agent_id] += round(int((new or {}).get(LATE_SECONDS, 0)) / 60)
    overruns = dict(
        _events(period, CallsEntity.AGENT, AgentAction.BREAK_OVERRUN)
        .filter(entity_id__in=ids)
        .values_list("entity_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    quality = review_figures(period, ids)
    rows = []
    for agent in agents:
        key = str(agent.pk)
        target = rules.count("a3.daily_calls_target", team=agent.team_id)
        worked = max(len(days[key]), 1) if period.days > 1 else 1
        short_days = sum(1 for d in days[key] if per_day[(key, d)] < target)
        rows.append(
            {
                "agent": agent.get_full_name() or agent.get_username(),
                "username": agent.get_username(),
                "handled": handled[key],
                "target": target * worked,
                "short": handled[key] < target * worked,
                "days_short": short_days if period.days > 1 else int(handled[key] < target),
                "over_limit": over[key],
                "taken_over": taken.get(agent.pk, 0),
                "late_logins": late[key],
                "late_minutes": late_minutes[key],
                "break_overruns": overruns.get(key, 0),
                **quality.get(key, review_row([])),
            }
        )
    return rows


def review_figures(period: Period, agent_ids: set[str]) -> dict[str, dict[str, Any]]:
    """B11: per agent id, the quality reviews written in the period, from their events."""
    reviewed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for new in _events(period, CallsEntity.REVIEW, ReviewAction.REVIEWED).values_list(
        "new", flat=True
    ):
        figures = new or {}
        agent = str(figures.get(AGENT, ""))
        if agent in agent_ids:
            reviewed[agent].append(figures)
    return {agent: review_row(found) for agent, found in reviewed.items()}


def review_row(reviewed: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "reviews": len(reviewed),
        "review_score": average_score([r.get(SCORE) for r in reviewed]),
        "conduct_breaches": sum(1 for r in reviewed if r.get(CONDUCT_BREACH)),
    }


def agent_section(period: Period, agents: list[User], zone: ZoneInfo, weekly: bool) -> Section:
    columns = [
        Column("agent", _("Agent"), "text"),
        Column("handled", _("Calls handled (A3)")),
        Column("target", _("Target (A3)")),
        Column("short", _("Fell short"), "bool"),
    ]
    if weekly:
        columns.append(Column("days_short", _("Days short of target")))
    columns += [
        Column("over_limit", _("Over-limit calls (A1)")),
        Column("taken_over", _("Taken over by the team lead (B10)")),
        Column("late_logins", _("Late log-ins (B1)")),
        Column("late_minutes", _("Minutes late (B1)")),
        Column("break_overruns", _("Break overruns (B2)")),
        Column("reviews", _("Call reviews (B11)")),
        Column("review_score", _("Average review score"), "share"),
        Column("conduct_breaches", _("Colleagues run down (B11)")),
    ]
    return Section(
        "agents",
        _("Agents"),
        "A3",
        columns,
        rows=agent_rows(period, agents, zone),
        chart=Chart("agent", ("handled",), marker_key="target"),
    )


def call_section(period: Period, zone: ZoneInfo) -> Section:
    """Calls per local day: arrived, answered, abandoned (the chart of the week)."""
    counts: dict[tuple[date, str], int] = defaultdict(int)
    for at, action in Event.objects.filter(
        entity=CallsEntity.CALL,
        action__in=[CallAction.ARRIVED, CallAction.ANSWERED, CallAction.ABANDONED],
        at__gte=period.start,
        at__lt=period.end,
    ).values_list("at", "action"):
        counts[(at.astimezone(zone).date(), action)] += 1
    section = Section(
        "calls",
        _("Calls per day"),
        "D15",
        [
            Column("day", _("Day"), "text"),
            Column("arrived", _("Arrived")),
            Column("answered", _("Answered")),
            Column("abandoned", _("Abandoned")),
        ],
        chart=Chart("day", ("arrived", "answered", "abandoned")),
    )
    from datetime import timedelta

    for n in range(period.days):
        day = period.first_day + timedelta(days=n)
        section.rows.append(
            {
                "day": day.isoformat(),
                "arrived": counts[(day, CallAction.ARRIVED)],
                "answered": counts[(day, CallAction.ANSWERED)],
                "abandoned": counts[(day, CallAction.ABANDONED)],
            }
        )
    return section


def kpi_section(period: Period, now: datetime) -> Section:
    ids = list(
        _events(period, CallsEntity.CALL, CallAction.ARRIVED).values_list("entity_id", flat=True)
    )
    calls = call_records(Event.objects.filter(entity=CallsEntity.CALL, entity_id__in=ids))
    asa = average_speed_of_answer(calls)
    aht = average_handle_time(calls)
    values: list[tuple[Any, Any]] = [
        (
            _("Service level (20 s)"),
            _pct(service_level_strict(calls, SERVICE_LEVEL_THRESHOLD, SHORT_ABANDON)),
        ),
        (_("Abandonment"), _pct(abandonment_rate(calls, SHORT_ABANDON))),
        (_("Average speed of answer (s)"), None if asa is None else round(asa.total_seconds())),
        (_("Average handle time (s)"), None if aht is None else round(aht.total_seconds())),
    ]
    return Section(
        "kpis",
        _("Floor KPIs"),
        "D15",
        [Column("figure", _("Figure"), "text"), Column("value", _("Value"), "float")],
        rows=[{"figure": str(label), "value": value} for label, value in values],
        note=_("As defined in the README (KPI definitions); percentages for the rates."),
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def case_section(period: Period, *, phone_solved: bool = True) -> Section:
    """The period's cases: created by kind, solved on the phone, complaints, incidents, late and
    urged orders. `phone_solved=False` leaves out the row of cases solved on the phone (D2: the
    ticket's ``solved`` events, by the agent, without an order), for a report that counts every
    solved case by how in its own section (weekly.solved_section) and must not say it twice."""
    created = dict(
        Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows: list[tuple[Any, Any]] = [(kind.label, created.get(kind.value, 0)) for kind in TicketKind]
    complaints = Complaint.objects.filter(
        ticket__created_at__gte=period.start, ticket__created_at__lt=period.end
    )
    if phone_solved:
        rows.append(
            (
                _("Cases solved on the phone (D2)"),
                _events(period, TicketsEntity.TICKET, TicketAction.SOLVED).count(),
            )
        )
    rows += [
        (
            _("Complaints settled on the call (D9)"),
            complaints.filter(state=ComplaintState.SETTLED).count(),
        ),
        (_("Complaints escalated (D9)"), complaints.exclude(state=ComplaintState.SETTLED).count()),
        (
            _("Special incidents (D10)"),
            Incident.objects.filter(
                reported_at__gte=period.start, reported_at__lt=period.end
            ).count(),
        ),
        (
            _("Work orders dispatched"),
            _events(period, DispatchEntity.WORK_ORDER, WorkOrderAction.DISPATCHED).count(),
        ),
        (
            _("Work orders marked late (D6)"),
            _events(period, DispatchEntity.WORK_ORDER, WorkOrderAction.LATE).count(),
        ),
        (
            _("Unfinished orders urged at close (D7)"),
            Urge.objects.filter(
                reason=UrgeReason.DAILY_CLEARING, at__gte=period.start, at__lt=period.end
            ).count(),
        ),
        (
            _("Leftovers: dispatched by the end, still open now (D7)"),
            WorkOrder.objects.filter(
                state__in=[str(s) for s in OPEN_ORDER_STATES], dispatched_at__lt=period.end
            ).count(),
        ),
    ]
    return Section(
        "cases",
        _("Cases"),
        "D7",
        [Column("figure", _("Figure"), "text"), Column("value", _("Value"))],
        rows=[{"figure": str(label), "value": value} for label, value in rows],
    )


def day_case_list(period: Period, limit: int = 200) -> Section:
    """D7: the list of the day's cases that goes to the team lead."""
    section = Section(
        "case_list",
        _("The day's cases"),
        "D7",
        [
            Column("number", _("Case"), "text"),
            Column("kind", _("Kind"), "text"),
            Column("state", _("State"), "text"),
            Column("customer", _("Customer"), "text"),
            Column("owner", _("Owner"), "text"),
        ],
    )
    for ticket in (
        Ticket.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .select_related("customer", "owner")
        .order_by("created_at", "id")[:limit]
    ):
        section.rows.append(
            {
                "number": ticket.number,
                "kind": str(ticket.get_kind_display()),
                "state": str(ticket.get_state_display()),
                "customer": ticket.customer.name,
                "owner": ticket.owner.get_username(),
            }
        )
    return section
