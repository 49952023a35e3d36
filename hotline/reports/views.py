"""Report pages with charts, and their PDF, XLSX, CSV and JSON downloads.

A bad parameter (a month that isn't one, an unknown format) is a 400 page saying what is
expected; a provider that isn't the user's is a 404.
"""

from collections.abc import Mapping
from datetime import date, datetime

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.views import signed_in
from hotline.core.i18n import gettext_noop
from hotline.core.reportmath import BadReportParameter, parse_day, parse_month
from hotline.directory.models import Provider
from hotline.replica import reads_from_replica
from hotline.reports import exports
from hotline.reports.selectors import (
    centre_zone,
    daily_report,
    latest_month_with_orders,
    month_has_orders,
    month_to_open,
    monthly_report,
    weekly_report,
)
from hotline.reports.tables import Report


def _today(now: datetime) -> date:
    return now.astimezone(centre_zone()).date()


def _format(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "html")
    if fmt not in (*exports.FORMATS, "html"):
        raise BadReportParameter(
            gettext_noop("Format %(value)s is not one of html, pdf, xlsx, csv, json."),
            {"value": repr(fmt)},
        )
    return fmt


def _respond(
    request: HttpRequest,
    report: Report,
    fmt: str,
    form: Mapping[str, object],
    empty_month: Mapping[str, object] | None = None,
) -> HttpResponse:
    if fmt == "html":
        return render(
            request,
            "reports/report.html",
            {
                "report": report,
                "sections": exports.table_context(report),
                "form": form,
                "formats": exports.FORMATS,
                "query": request.GET.copy(),
                "empty_month": empty_month,
            },
        )
    response = HttpResponse(exports.render(report, fmt), content_type=exports.CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{exports.filename(report, fmt)}"'
    return response


def _bad(request: HttpRequest, error: BadReportParameter) -> HttpResponse:
    return render(
        request, "reports/bad.html", {"message": _(error.message) % error.params}, status=400
    )


def index(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    now = clock.now()
    return render(
        request,
        "reports/index.html",
        {
            "month": f"{month_to_open(user, now):%Y-%m}",
            "today": _today(now).isoformat(),
            "providers": _visible_providers(user),
            "floor_reports": user.role != Role.PROVIDER,
        },
    )


def _visible_providers(user: User) -> list[Provider]:
    found = Provider.objects.order_by("name")
    return list(found.filter(pk=user.provider_id or 0) if user.role == Role.PROVIDER else found)


@reads_from_replica
def monthly(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    now = clock.now()
    try:
        fmt = _format(request)
        asked = request.GET.get("month")
        first = parse_month(asked) if asked else month_to_open(user, now)
        provider = request.GET.get("provider") or None
        report, _faults = monthly_report(user, first, now, provider)
    except BadReportParameter as error:
        return _bad(request, error)
    form = {
        "kind": "monthly",
        "month": f"{first:%Y-%m}",
        "provider": provider or "",
        "providers": _visible_providers(user),
    }
    return _respond(request, report, fmt, form, _empty_month(user, first, now, provider))


def _empty_month(
    user: User, first: date, now: datetime, provider: str | None
) -> dict[str, object] | None:
    """D13: a month with no orders says so at the top of the page, with a link to the latest
    month that has some (for the same provider), rather than leaving empty charts to read."""
    if month_has_orders(user, first, provider):
        return None
    latest = latest_month_with_orders(user, now, provider)
    query = QueryDict(mutable=True)
    if latest is not None:
        query["month"] = f"{latest:%Y-%m}"
        if provider:
            query["provider"] = provider
    return {"month": first, "latest": latest, "query": query.urlencode()}


def _day_report(request: HttpRequest, weekly: bool) -> HttpResponse:
    user = signed_in(request)
    now = clock.now()
    try:
        fmt = _format(request)
        day = parse_day(request.GET.get("day") or _today(now).isoformat())
    except BadReportParameter as error:
        return _bad(request, error)
    report = weekly_report(user, day, now) if weekly else daily_report(user, day, now)
    form = {"kind": "weekly" if weekly else "daily", "day": day.isoformat()}
    return _respond(request, report, fmt, form)


@reads_from_replica
def weekly(request: HttpRequest) -> HttpResponse:
    return _day_report(request, weekly=True)


@reads_from_replica
def daily(request: HttpRequest) -> HttpResponse:
    return _day_report(request, weekly=False)
