"""The reports, scoped by who asks (DESIGN convention 2).

- monthly (D13): the after-sales manager, team leads and admins see every provider (or one,
  with ``provider``); a provider's staff see their own provider's figures only, and asking
  for another provider is a 404 like any other row they may not see;
- weekly (D15) and daily (D7): a team lead sees their own team's agents, the manager and
  admins every agent.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.selectors import agents_for
from hotline.core.i18n import gettext_noop
from hotline.core.reportmath import BadReportParameter, day_period, month_period, week_period
from hotline.directory.models import Provider
from hotline.dispatch.models import WorkOrder
from hotline.reports import floor, monthly, weekly
from hotline.reports import providers as providers_report
from hotline.reports.tables import Report
from hotline.rulebook.selectors import centre_calendar

ALL_PROVIDERS = "all"


def centre_zone() -> ZoneInfo:
    return centre_calendar().tz()


def _provider_lookup(text: str) -> Q:
    return Q(pk=int(text)) if text.isascii() and text.isdigit() else Q(name=text)


def providers_for(user: User | None, provider: str | int | None) -> list[Provider]:
    """The providers the user may see, narrowed to ``provider`` (id or exact name) if given."""
    found = Provider.objects.order_by("name")
    if user is not None and user.role == Role.PROVIDER:
        found = found.filter(pk=user.provider_id or 0)
    if provider not in (None, "", ALL_PROVIDERS):
        text = str(provider)
        narrowed = found.filter(_provider_lookup(text))
        if not narrowed.exists():
            if _is_provider(user) or Provider.objects.filter(_provider_lookup(text)).exists():
                raise Http404  # someone else's provider: not found, nothing said about it
            raise BadReportParameter(
                gettext_noop("There is no provider %(value)s."), {"value": repr(text)}
            )
        found = narrowed
    return list(found)


def _orders_of(user: User, provider: str | int | None) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(provider__in=[p.pk for p in providers_for(user, provider)])


def month_has_orders(user: User, first: date, provider: str | int | None = None) -> bool:
    """Whether the user's providers (or the one asked for) had orders dispatched that month."""
    period = month_period(first, centre_zone())
    orders = _orders_of(user, provider)
    return orders.filter(dispatched_at__gte=period.start, dispatched_at__lt=period.end).exists()


def latest_month_with_orders(
    user: User, now: datetime, provider: str | int | None = None
) -> date | None:
    """The first day of the latest month, up to now, with orders of the user's providers (or the
    one asked for); None when there are none yet."""
    newest = (
        _orders_of(user, provider)
        .filter(dispatched_at__lte=now)
        .aggregate(Max("dispatched_at"))["dispatched_at__max"]
    )
    return None if newest is None else newest.astimezone(centre_zone()).date().replace(day=1)


def month_to_open(user: User, now: datetime) -> date:
    """D13: the month the report page opens on: the last whole month if the user's providers
    had orders in it; else the latest month that had any (a new centre's first, partial month);
    else the last whole month, empty (the page says so)."""
    this_month = now.astimezone(centre_zone()).date().replace(day=1)
    last = (this_month - timedelta(days=1)).replace(day=1)
    if month_has_orders(user, last):
        return last
    return latest_month_with_orders(user, now) or last


def _is_provider(user: User | None) -> bool:
    return user is not None and user.role == Role.PROVIDER


def _quiet(step: str) -> None:
    pass


def monthly_report(
    user: User | None,
    first: date,
    now: datetime,
    provider: str | int | None = None,
    progress: Callable[[str], None] = _quiet,
) -> tuple[Report, list[monthly.FaultRow]]:
    """D13, with the fault rows (for the alert service). ``user`` None: the whole centre (the
    scheduled command)."""
    zone = centre_zone()
    period = month_period(first, zone)
    providers = providers_for(user, provider)
    ids = {p.pk for p in providers}
    narrowed = _is_provider(user) or provider not in (None, "", ALL_PROVIDERS)
    progress("complaints and follow-ups")
    complaints = monthly.complaints_in(period)
    followups = monthly.followup_figures(period)
    progress("providers")
    sections = providers_report.provider_sections(period, providers, complaints, followups, now)
    sections.append(monthly.complaint_section(complaints, ids if narrowed else None))
    sections.append(monthly.satisfaction_section(followups, ids if narrowed else None))
    faults: list[monthly.FaultRow] = []
    if not _is_provider(user):
        progress("fault structure")
        fault_section, faults = monthly.fault_section(first, zone)
        progress("customer records")
        customers = monthly.customer_section(period)
        progress("call floor")
        sections += [fault_section, customers, monthly.floor_section(period)]
    scope = ", ".join(p.name for p in providers) if narrowed else str(_("All providers"))
    report = Report(
        kind="monthly",
        rule="D13",
        title=_("Monthly report"),
        period_label=period.label,
        start=period.start,
        end=period.end,
        scope=scope,
        sections=sections,
        generated_at=now,
        zone=str(zone),
    )
    return report, faults


def _team_scope(user: User | None) -> str:
    if user is not None and user.role == Role.TEAM_LEAD and user.team is not None:
        return str(user.team)
    return str(_("Every team"))


def weekly_report(user: User | None, day: date, now: datetime) -> Report:
    zone = centre_zone()
    period = week_period(day, zone)
    return Report(
        kind="weekly",
        rule="D15",
        title=_("Weekly summary"),
        period_label=period.label,
        start=period.start,
        end=period.end,
        scope=_team_scope(user),
        sections=[
            floor.kpi_section(period, now),
            floor.call_section(period, zone),
            floor.agent_section(period, agents_for(user), zone, weekly=True),
            floor.case_section(period, phone_solved=False),
            weekly.solved_section(period),
        ],
        generated_at=now,
        zone=str(zone),
    )


def daily_report(user: User | None, day: date, now: datetime) -> Report:
    zone = centre_zone()
    period = day_period(day, zone)
    return Report(
        kind="daily",
        rule="D7",
        title=_("Daily report"),
        period_label=period.label,
        start=period.start,
        end=period.end,
        scope=_team_scope(user),
        sections=[
            floor.agent_section(period, agents_for(user), zone, weekly=False),
            floor.case_section(period, phone_solved=False),
            weekly.solved_section(period),
            floor.day_case_list(period),
        ],
        generated_at=now,
        zone=str(zone),
    )
