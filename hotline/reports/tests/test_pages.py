"""Report pages and downloads: who may open them, bad parameters, and every format."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hotline import clock
from hotline.reports.models import FaultAlert
from hotline.reports.tests.conftest import order, providers
from hotline.testing.times import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
FIXED_NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)


@pytest.fixture
def data(centre):  # type: ignore[no-untyped-def]
    p1, p2 = providers()[:2]
    order(p1, utc(2026, 10, 10, 8), centre["agent1"])
    order(p2, utc(2026, 10, 11, 8), centre["agent1"])
    return p1, p2


@pytest.mark.parametrize("username", ["agent1", "dispatcher", "customer1", "pbx"])
def test_d13_wrong_role_is_refused_the_monthly_report(client, centre, username) -> None:  # type: ignore[no-untyped-def]
    client.force_login(centre[username])
    assert client.get(reverse("reports:monthly"), {"month": "2026-10"}).status_code == 403


@pytest.mark.parametrize("name", ["reports:weekly", "reports:daily"])
@pytest.mark.parametrize("username", ["agent1", "dispatcher", "provider1", "customer1"])
def test_d7_d15_wrong_role_is_refused(client, centre, name, username) -> None:  # type: ignore[no-untyped-def]
    client.force_login(centre[username])
    assert client.get(reverse(name)).status_code == 403


def test_d13_page_shows_charts_and_figures(client, centre, data) -> None:  # type: ignore[no-untyped-def]
    p1, p2 = data
    client.force_login(centre["manager"])
    response = client.get(reverse("reports:monthly"), {"month": "2026-10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert p1.name in body
    assert p2.name in body
    assert 'id="faults"' in body


def test_d13_default_month_is_the_last_one(client, centre, data) -> None:  # type: ignore[no-untyped-def]
    client.force_login(centre["manager"])
    response = client.get(reverse("reports:monthly"))
    assert response.status_code == 200
    assert "2026-10" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "oct", "2026-1"])
def test_d13_bad_month_is_refused_clearly(client, centre, month) -> None:  # type: ignore[no-untyped-def]
    client.force_login(centre["manager"])
    response = client.get(reverse("reports:monthly"), {"month": month})
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()


def test_bad_format_and_bad_day_are_refused_clearly(client, centre) -> None:  # type: ignore[no-untyped-def]
    client.force_login(centre["lead"])
    response = client.get(reverse("reports:daily"), {"format": "docx"})
    assert response.status_code == 400
    assert "docx" in response.content.decode()
    response = client.get(reverse("reports:weekly"), {"day": "2026-02-30"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_d13_provider_sees_own_report_and_not_another(client, centre, data) -> None:  # type: ignore[no-untyped-def]
    staff = centre["provider1"]
    other = next(p for p in providers() if p.pk != staff.provider_id)
    client.force_login(staff)
    response = client.get(reverse("reports:monthly"), {"month": "2026-10"})
    body = response.content.decode()
    assert response.status_code == 200
    assert staff.provider.name in body
    assert other.name not in body
    response = client.get(reverse("reports:monthly"), {"month": "2026-10", "provider": other.pk})
    assert response.status_code == 404
    assert other.name not in response.content.decode()


def test_d13_downloads_in_every_format(client, centre, data) -> None:  # type: ignore[no-untyped-def]
    p1, _ = data
    client.force_login(centre["manager"])
    url = reverse("reports:monthly")
    as_json = json.loads(client.get(url, {"month": "2026-10", "format": "json"}).content)
    dispatched = {r["provider"]: r["dispatched"] for r in as_json["sections"]["providers"]["rows"]}
    assert dispatched[p1.name] == 1
    assert as_json["period"] == "2026-10"
    text = client.get(url, {"month": "2026-10", "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [p1.name, "1"] == next(r for r in rows if r and r[0] == p1.name)[:2]
    xlsx = client.get(url, {"month": "2026-10", "format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('hotline-monthly-2026-10.xlsx"')
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # ships no type stubs

    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    values = [[c.value for c in row][:2] for row in sheet.iter_rows(min_row=3)]
    assert [p1.name, 1] in values
    pdf = client.get(url, {"month": "2026-10", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_d7_daily_page_and_pdf_for_the_team_lead(client, centre) -> None:  # type: ignore[no-untyped-def]
    client.force_login(centre["lead"])
    response = client.get(reverse("reports:daily"), {"day": "2026-11-23"})
    body = response.content.decode()
    assert response.status_code == 200
    assert centre["agent1"].get_full_name() in body  # the lead's team (Repairs)
    assert centre["agent5"].get_full_name() not in body  # Installations
    pdf = client.get(reverse("reports:weekly"), {"day": "2026-11-23", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


def test_report_command_writes_each_format_and_refuses_a_bad_month(
    centre, data, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "october.json"
    call_command("report", "monthly", "--month", "2026-10", "--format", "json", "-o", str(target))
    assert json.loads(target.read_text())["period"] == "2026-10"
    assert "providers" in capsys.readouterr().err  # progress on stderr
    for fmt in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"october.{fmt}"
        call_command("report", "monthly", "--month", "2026-10", "--format", fmt, "-o", str(out))
        assert out.stat().st_size > 100
    call_command(
        "report", "weekly", "--day", "2026-11-23", "--format", "csv", "-o", str(tmp_path / "w.csv")
    )
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("report", "monthly", "--month", "2026-13", "--format", "json")
    with pytest.raises(CommandError, match="monthly"):
        call_command("report", "daily", "--month", "2026-10")
    assert FaultAlert.objects.count() == 0  # no history: nothing abnormal


def test_d13_api_monthly_for_the_manager_and_refused_for_an_agent(
    client, centre, data, token_for
) -> None:  # type: ignore[no-untyped-def]
    p1, _ = data
    url = "/api/v1/reports/monthly"
    manager = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['manager'])}"}
    answer = client.get(url, {"month": "2026-10"}, **manager)
    assert answer.status_code == 200
    rows = answer.json()["sections"]["providers"]["rows"]
    assert {r["provider"]: r["dispatched"] for r in rows}[p1.name] == 1
    bad = client.get(url, {"month": "2026-13"}, **manager)
    assert bad.status_code == 422
    assert "YYYY-MM" in bad.json()["detail"]
    agent = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['agent1'])}"}
    assert client.get(url, {"month": "2026-10"}, **agent).status_code == 403


@pytest.mark.parametrize("provider", ["²", "٣", "99999999999999999999"])
def test_d13_api_provider_that_is_no_id_and_no_name_is_a_422(
    client, centre, data, token_for, provider
) -> None:  # type: ignore[no-untyped-def]
    """ "²" is a digit to str.isdigit but no number to int(): it was a server error."""
    manager = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['manager'])}"}
    answer = client.get(
        "/api/v1/reports/monthly", {"month": "2026-10", "provider": provider}, **manager
    )
    assert answer.status_code == 422
    assert provider in answer.json()["detail"]  # "There is no provider '²'."


def test_d13_api_provider_gets_404_for_another_provider(client, centre, data, token_for) -> None:  # type: ignore[no-untyped-def]
    staff = centre["provider1"]
    other = next(p for p in providers() if p.pk != staff.provider_id)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(staff)}"}
    answer = client.get(
        "/api/v1/reports/monthly", {"month": "2026-10", "provider": other.pk}, **auth
    )
    assert answer.status_code == 404
    assert other.name not in answer.content.decode()


def test_d7_d15_api_for_the_team_lead(client, centre, token_for) -> None:  # type: ignore[no-untyped-def]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['lead'])}"}
    daily = client.get("/api/v1/reports/daily", {"day": "2026-11-23"}, **auth)
    assert daily.status_code == 200
    assert daily.json()["period"] == "2026-11-23"
    assert (
        client.get("/api/v1/reports/weekly", {"day": "2026-11-23"}, **auth).json()["period"]
        == "2026-W48"
    )
    assert client.get("/api/v1/reports/daily", {"day": "23.11.2026"}, **auth).status_code == 422
