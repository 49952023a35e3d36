"""The reports as JSON over the API (the same document as the JSON download)."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import P, QueryEx, Router
from ninja.decorators import decorate_view

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.core.reportmath import BadReportParameter, parse_day, parse_month
from hotline.replica import reads_from_replica
from hotline.reports import exports
from hotline.reports.selectors import centre_zone, daily_report, monthly_report, weekly_report

router = Router(tags=["reports"])
Day = QueryEx[str, P(max_length=10, description="YYYY-MM-DD, 2000-01-01 to 2099-12-31")]


def _bad(error: BadReportParameter) -> HttpResponse:
    return JsonResponse({"detail": _(error.message) % error.params}, status=422)


def _json(data: bytes) -> HttpResponse:
    return HttpResponse(data, content_type="application/json")


@router.get("/monthly", summary="D13 monthly report per provider (month YYYY-MM)")
@decorate_view(reads_from_replica)
def reports_monthly(
    request: HttpRequest,
    month: QueryEx[str, P(max_length=7, description="YYYY-MM, 2000-01 to 2099-12")] = "",
    provider: QueryEx[str, P(max_length=150, description="a provider's id or name")] = "",
) -> HttpResponse:
    now = clock.now()
    try:
        if not month:
            today = now.astimezone(centre_zone()).date()
            month = f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
        report, _faults = monthly_report(signed_in(request), parse_month(month), now, provider)
    except BadReportParameter as error:
        return _bad(error)
    return _json(exports.as_json(report))


@router.get("/weekly", summary="D15 weekly summary (the week holding day YYYY-MM-DD)")
@decorate_view(reads_from_replica)
def reports_weekly(request: HttpRequest, day: Day = "") -> HttpResponse:
    now = clock.now()
    try:
        on = parse_day(day) if day else now.astimezone(centre_zone()).date()
    except BadReportParameter as error:
        return _bad(error)
    return _json(exports.as_json(weekly_report(signed_in(request), on, now)))


@router.get("/daily", summary="D7 daily report (day YYYY-MM-DD)")
@decorate_view(reads_from_replica)
def reports_daily(request: HttpRequest, day: Day = "") -> HttpResponse:
    now = clock.now()
    try:
        on = parse_day(day) if day else now.astimezone(centre_zone()).date()
    except BadReportParameter as error:
        return _bad(error)
    return _json(exports.as_json(daily_report(signed_in(request), on, now)))
