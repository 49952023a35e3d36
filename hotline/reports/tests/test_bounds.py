"""Bounds of the reports (D13, D15, D7): period inputs in a sane range (a clear 422 / form error /
CLI error, never a traceback), and reports that stand extreme dates already stored (a visit
window, a response limit and a completion in year 9999)."""

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hotline.dispatch.models import WorkOrder
from hotline.reports.tests.conftest import order, providers
from hotline.testing.clock import MovingClock
from hotline.testing.times import utc

pytestmark = pytest.mark.django_db
FAR = datetime(9999, 12, 31, 23, 0, tzinfo=utc(2026, 1, 1).tzinfo)  # 01:00 in Sofia: year 10000


@pytest.fixture
def clock(monkeypatch, now):
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def far_order(centre, now):  # type: ignore[no-untyped-def]
    """An order of this month whose stored times are at the very end of what a date holds."""
    made = order(providers()[0], now - timedelta(days=1), centre["agent1"])
    WorkOrder.objects.filter(pk=made.pk).update(
        visit_start=FAR - timedelta(hours=1),
        visit_end=FAR,
        response_due=FAR,
        sla_due=FAR,
        late_at=None,
    )
    return made


@pytest.fixture
def auth(centre, token_for):  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['manager'])}"}


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("monthly", {"month": "9999-12"}),
        ("monthly", {"month": "1999-12"}),
        ("monthly", {"month": "2100-01"}),
        ("weekly", {"day": "9999-12-31"}),
        ("daily", {"day": "9999-12-31"}),
        ("daily", {"day": "0001-01-01"}),
    ],
)
def test_d13_d15_d7_report_period_out_of_range_is_a_clear_422(client, auth, path, params):
    response = client.get(f"/api/v1/reports/{path}", params, **auth)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert "2000" in response.json()["detail"]


def test_d13_report_period_too_long_is_422(client, auth):
    response = client.get("/api/v1/reports/monthly", {"month": "2026-10" * 100}, **auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "month"


@pytest.mark.parametrize("kind", ["monthly", "weekly", "daily"])
def test_d13_report_pages_out_of_range_say_so(client, centre, kind):
    client.force_login(centre["manager"])
    key = "month" if kind == "monthly" else "day"
    value = "9999-12" if kind == "monthly" else "9999-12-31"
    response = client.get(reverse(f"reports:{kind}"), {key: value})
    assert response.status_code == 400
    assert "2099" in response.content.decode()


def test_d13_cli_month_9999_is_an_error_message_not_a_traceback(centre):
    with pytest.raises(CommandError, match="2099"):
        call_command(
            "report", "monthly", "--month", "9999-12", "--format", "json", stdout=StringIO()
        )
    with pytest.raises(CommandError, match="2099"):
        call_command(
            "report", "daily", "--day", "9999-12-31", "--format", "json", stdout=StringIO()
        )


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "pdf"])
def test_d13_d15_d7_reports_stand_extreme_stored_dates(client, centre, clock, far_order, fmt):
    """This month's reports, in every format, with a year 9999 window and limits stored."""
    client.force_login(centre["manager"])
    clock.now = clock.now + timedelta(days=40)
    for kind, params in (
        ("monthly", {"month": "2026-11"}),
        ("weekly", {"day": "2026-11-22"}),
        ("daily", {"day": "2026-11-22"}),
    ):
        response = client.get(reverse(f"reports:{kind}"), params | {"format": fmt})
        assert response.status_code == 200, (kind, response.content[:300])
    monthly = client.get(reverse("reports:monthly"), {"month": "2026-11", "format": "json"})
    rows = json.loads(monthly.content)["sections"]["providers"]["rows"]
    mine = next(r for r in rows if r["provider"] == far_order.provider.name)
    assert (mine["dispatched"], mine["due"], mine["sla_breached"]) == (1, 0, 0)


def test_d13_cli_report_stands_extreme_stored_dates(centre, clock, far_order):
    out = StringIO()
    call_command("report", "monthly", "--month", "2026-11", "--format", "csv", stdout=out)
