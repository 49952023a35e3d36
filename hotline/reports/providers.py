"""D13, per provider: volume, timeliness (D6), the customer's SLA, D4's contact, status and
desk checks, complaints, repeat visits and follow-ups.

Definitions (besides those of ``monthly``'s docstring):
- *due* and *late* are the provider's D6 figures: ``response_due`` is its zone's limit (per
  zone and customer where overridden), and ``late`` the D6 ``late`` events;
- *SLA due* / *SLA breached*: orders whose customer's SLA response time (``sla_due``) fell in
  the month, and of those the ones not completed by it (completed later, or still not
  completed when the report is made). This is the centre's promise to the customer, a figure
  apart from the provider's D6 lateness;
- *desk-check short days* (D4): the centre's working days of the month already over when the
  report is made on which the provider's desk made fewer checks (visits to the portal's order
  list, at most one per ``DESK_CHECK_GAP``) than the d4.desk_checks_min setting.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _

from hotline.audit.models import Event
from hotline.core.calendar import BusinessCalendar
from hotline.core.reportmath import Period, rate
from hotline.directory.choices import Zone
from hotline.directory.models import Provider
from hotline.dispatch.events import PROVIDER, DispatchEntity, WorkOrderAction
from hotline.dispatch.models import DeskCheck, WorkOrder
from hotline.dispatch.services.desk import DESK_CHECK_GAP
from hotline.formatting import duration_text
from hotline.reports.monthly import ComplaintRow, FollowupFigures, _in
from hotline.reports.tables import Chart, Column, Section
from hotline.rulebook.selectors import centre_calendar, current_rulebook
from hotline.tickets.choices import TicketKind


@dataclass
class ProviderFigures:
    dispatched: int = 0
    completed: int = 0
    signed: int = 0
    due: int = 0
    late: int = 0
    d4_missed: int = 0
    sla_due: int = 0
    sla_breached: int = 0
    desk_short_days: int = 0
    response_hours: float | None = None
    complaints: int = 0
    complaints_open: int = 0
    repeat_visits: int = 0
    followups: int = 0
    followups_unresolved: int = 0
    score_sum: float = 0.0
    scored: int = 0


def provider_figures(
    period: Period,
    providers: list[Provider],
    complaints: list[ComplaintRow],
    followups: FollowupFigures,
    now: datetime,
) -> dict[int, ProviderFigures]:
    ids = [p.pk for p in providers]
    figures = {pk: ProviderFigures() for pk in ids}
    # One pass over the orders for the four counts and the mean time to completion.
    stamps = ("dispatched_at", "completed_at", "signed_at", "response_due", "sla_due")
    touched = Q()
    for stamp in stamps:
        touched |= _in(stamp, period)
    done = ExpressionWrapper(F("completed_at") - F("dispatched_at"), output_field=DurationField())
    for row in (
        WorkOrder.objects.filter(touched, provider_id__in=ids)
        .values("provider_id")
        .annotate(
            dispatched=Count("id", filter=_in("dispatched_at", period)),
            completed=Count("id", filter=_in("completed_at", period)),
            signed=Count("id", filter=_in("signed_at", period)),
            due=Count("id", filter=_in("response_due", period)),
            mean=Avg(done, filter=_in("completed_at", period)),
            sla_fell_due=Count("id", filter=_in("sla_due", period) & Q(sla_due__lt=now)),
            sla_missed=Count("id", filter=_in("sla_due", period) & _sla_missed(now)),
        )
        .order_by()
    ):
        fig = figures[row["provider_id"]]
        fig.dispatched, fig.completed = row["dispatched"], row["completed"]
        fig.signed, fig.due = row["signed"], row["due"]
        fig.sla_due, fig.sla_breached = row["sla_fell_due"], row["sla_missed"]
        if row["mean"] is not None:
            fig.response_hours = round(_as_timedelta(row["mean"]).total_seconds() / 3600, 1)
    # D6 and D4 misses are events naming the provider (DESIGN: reports come from events).
    misses = {
        WorkOrderAction.LATE: "late",
        WorkOrderAction.CONTACT_MISSED: "d4_missed",
        WorkOrderAction.STATUS_MISSED: "d4_missed",
    }
    for row in (
        Event.objects.filter(
            _in("at", period), entity=DispatchEntity.WORK_ORDER, action__in=list(misses)
        )
        .values("action", p=KeyTextTransform(PROVIDER, "new"))
        .annotate(n=Count("id"))
        .order_by()
    ):
        if row["p"] is not None and int(row["p"]) in figures:
            fig = figures[int(row["p"])]
            attr = misses[row["action"]]
            setattr(fig, attr, getattr(fig, attr) + row["n"])
    # Repeat visits: the month's second dispatches, charged to the first order's provider.
    # Two narrow reads (the month's orders by provider index, then the first orders by key)
    # instead of a join the planner runs over every order.
    every_provider = list(Provider.objects.values_list("pk", flat=True))
    firsts: dict[int, int] = defaultdict(int)
    for first_id in WorkOrder.objects.filter(
        _in("dispatched_at", period),
        provider_id__in=every_provider,
        second_dispatch_of__isnull=False,
    ).values_list("second_dispatch_of_id", flat=True):
        firsts[first_id] += 1
    for provider_id, first_id in WorkOrder.objects.filter(pk__in=list(firsts)).values_list(
        "provider_id", "pk"
    ):
        if provider_id in figures:
            figures[provider_id].repeat_visits += firsts[first_id]
    for complaint in complaints:
        if complaint.provider_id in figures:
            figures[complaint.provider_id].complaints += 1
            figures[complaint.provider_id].complaints_open += int(complaint.open)
    for (provider_id, _kind), tally in followups.items():
        if provider_id in figures:
            fig = figures[provider_id]
            fig.followups += tally.calls
            fig.followups_unresolved += tally.unresolved
            fig.score_sum += tally.score_sum
            fig.scored += tally.scored
    for provider_id, short in desk_short_days(period, ids, now).items():
        figures[provider_id].desk_short_days = short
    return figures


def _sla_missed(now: datetime) -> Q:
    """Past the customer's SLA time and not completed by it."""
    late_done = Q(completed_at__gt=F("sla_due"))
    not_done = Q(completed_at__isnull=True, sla_due__lt=now)
    return late_done | not_done


def desk_short_days(
    period: Period, provider_ids: list[int], now: datetime, calendar: BusinessCalendar | None = None
) -> dict[int, int]:
    """D4: per provider, the working days of the period already over with fewer desk checks
    than the rulebook's minimum (one grouped query over the period's checks)."""
    rules = current_rulebook()
    calendar = calendar or centre_calendar(rules)
    minimum = rules.count("d4.desk_checks_min")
    today = now.astimezone(calendar.tz()).date()
    days = [
        day
        for day in (period.first_day + timedelta(days=n) for n in range(period.days))
        if day < today and calendar.is_working_day(day)
    ]
    checks: dict[tuple[int, date], int] = defaultdict(int)
    for provider_id, day, n in (
        DeskCheck.objects.filter(
            provider_id__in=provider_ids,
            day__gte=period.first_day,
            day__lt=period.first_day + timedelta(days=period.days),
        )
        .values_list("provider_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    ):
        checks[(provider_id, day)] = n
    return {
        provider_id: sum(1 for day in days if checks[(provider_id, day)] < minimum)
        for provider_id in provider_ids
    }


def _as_timedelta(value: Any) -> timedelta:
    # SQLite hands a duration aggregate back as microseconds; PostgreSQL as a timedelta.
    return value if isinstance(value, timedelta) else timedelta(microseconds=float(value))


def provider_sections(
    period: Period,
    providers: list[Provider],
    complaints: list[ComplaintRow],
    followups: FollowupFigures,
    now: datetime,
) -> list[Section]:
    figures = provider_figures(period, providers, complaints, followups, now)
    minimum = current_rulebook().count("d4.desk_checks_min")
    volume = Section(
        "providers",
        _("Volume and timeliness per provider"),
        "D13",
        [
            Column("provider", _("Provider"), "text"),
            Column("dispatched", _("Dispatched")),
            Column("completed", _("Completed")),
            Column("signed", _("Signed")),
            Column("due", _("Response due (D6)")),
            Column("late", _("Marked late (D6)")),
            Column("on_time", _("On time"), "share"),
            Column("d4_missed", _("Contact/status missed (D4)")),
            Column("desk_short_days", _("Days with too few desk checks (D4)")),
            Column("sla_due", _("Customer SLA fell due")),
            Column("sla_breached", _("Customer SLA breached")),
            Column("response_hours", _("Mean hours to completion"), "float"),
        ],
        chart=Chart("provider", ("dispatched", "completed", "late")),
        note=_(
            "On time = 1 − orders marked late in the month ÷ orders whose response fell due, "
            "by the provider's D6 limit of the order's zone. The customer's SLA is counted "
            "apart: orders whose SLA response time fell in the month, and those not completed "
            "by it. Days with too few desk checks: working days already over on which the "
            "provider's desk looked at its order list fewer than %(minimum)s times (visits "
            "within %(gap)s of the last count once)."
        )
        % {"minimum": minimum, "gap": duration_text(DESK_CHECK_GAP)},
    )
    quality = Section(
        "quality",
        _("Complaints, repeat visits, follow-ups and quality per provider"),
        "D13",
        [
            Column("provider", _("Provider"), "text"),
            Column("complaints", _("Complaints (D9)")),
            Column("complaints_open", _("Complaints still open")),
            Column("repeat_visits", _("Repeat visits")),
            Column("first_time_fix", _("First-time fix"), "share"),
            Column("followups", _("Follow-ups (D12)")),
            Column("followups_unresolved", _("Unresolved follow-ups")),
            Column("satisfaction", _("Mean satisfaction"), "float"),
        ],
        chart=Chart("provider", ("complaints", "repeat_visits", "followups_unresolved")),
    )
    for provider in providers:
        f = figures[provider.pk]
        late_share = rate(f.late, f.due)
        volume.rows.append(
            {
                "provider": provider.name,
                "dispatched": f.dispatched,
                "completed": f.completed,
                "signed": f.signed,
                "due": f.due,
                "late": f.late,
                "on_time": None if late_share is None else max(0.0, 1 - late_share),
                "d4_missed": f.d4_missed,
                "desk_short_days": f.desk_short_days,
                "sla_due": f.sla_due,
                "sla_breached": f.sla_breached,
                "response_hours": f.response_hours,
            }
        )
        repeat_share = rate(f.repeat_visits, f.completed)
        quality.rows.append(
            {
                "provider": provider.name,
                "complaints": f.complaints,
                "complaints_open": f.complaints_open,
                "repeat_visits": f.repeat_visits,
                "first_time_fix": None if repeat_share is None else max(0.0, 1 - repeat_share),
                "followups": f.followups,
                "followups_unresolved": f.followups_unresolved,
                "satisfaction": round(f.score_sum / f.scored, 2) if f.scored else None,
            }
        )
    return [volume, quality, _details_section(period, providers)]


def _details_section(period: Period, providers: list[Provider]) -> Section:
    details = Section(
        "details",
        _("Work orders by provider, zone and kind"),
        "D13",
        [
            Column("provider", _("Provider"), "text"),
            Column("zone", _("Zone"), "text"),
            Column("kind", _("Kind"), "text"),
            Column("dispatched", _("Dispatched")),
        ],
    )
    names = {p.pk: p.name for p in providers}
    zones = dict(Zone.choices)
    kinds = dict(TicketKind.choices)
    rows = (
        WorkOrder.objects.filter(
            provider_id__in=list(names),
            dispatched_at__gte=period.start,
            dispatched_at__lt=period.end,
        )
        .values("provider_id", "zone", "ticket__kind")
        .annotate(n=Count("id"))
        .order_by("provider_id", "zone", "ticket__kind")
    )
    for row in rows:
        details.rows.append(
            {
                "provider": names[row["provider_id"]],
                "zone": str(zones.get(row["zone"], row["zone"])),
                "kind": str(kinds.get(row["ticket__kind"], row["ticket__kind"])),
                "dispatched": row["n"],
            }
        )
    return details
