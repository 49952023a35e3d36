"""D7, D13: report downloads never carry a formula. A provider or a customer whose name begins
with `=`, `+`, `-`, `@`, a tab or a carriage return is text in the CSV and in the XLSX (a
leading apostrophe; never an XLSX formula cell); figures stay numbers."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from hotline import clock
from hotline.reports.tests.conftest import order, providers, ticket
from hotline.testing.times import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
HOSTILE = ['=HYPERLINK("http://evil.example","Click")', "+1+cmd", "-1+2", "@SUM(1)", "\t=1"]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 8, tzinfo=UTC))


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_cells(content: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    return [cell.value for cell in cells]


@pytest.mark.parametrize("name", HOSTILE)
def test_d13_monthly_csv_and_xlsx_neutralise_a_hostile_provider_name(client, centre, name):
    provider = providers()[0]
    provider.name = name
    provider.save(update_fields=["name"])
    order(provider, utc(2026, 10, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    url = reverse("reports:monthly")
    rows = csv_cells(client.get(url, {"month": "2026-10", "format": "csv"}).content)
    row = next(r for r in rows if r and r[0] == "'" + name)
    assert row[1] == "1"  # dispatched: a number, as it was
    assert not [c for r in rows for c in r if c.startswith(("=", "+", "@", "\t"))]
    values = xlsx_cells(client.get(url, {"month": "2026-10", "format": "xlsx"}).content)
    assert "'" + name in values
    assert name not in values


@pytest.mark.parametrize("name", HOSTILE)
def test_d7_daily_case_list_neutralises_a_hostile_customer_name(client, centre, name):
    case = ticket(centre["agent1"], utc(2026, 11, 23, 7))
    case.customer.name = name
    case.customer.save(update_fields=["name"])
    client.force_login(centre["lead"])
    url = reverse("reports:daily")
    rows = csv_cells(client.get(url, {"day": "2026-11-23", "format": "csv"}).content)
    assert ["'" + name] == [c for r in rows for c in r if c.endswith(name)]
    values = xlsx_cells(client.get(url, {"day": "2026-11-23", "format": "xlsx"}).content)
    assert "'" + name in values
    assert name not in values


def test_d13_xlsx_columns_are_as_wide_as_their_widest_cell(client, centre):
    """A provider's whole name shows in its column (columns were 10 characters wide)."""
    provider = providers()[0]
    provider.name = "Plovdiv Appliance Repairs and Installations Ltd"
    provider.save(update_fields=["name"])
    order(provider, utc(2026, 10, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    content = client.get(reverse("reports:monthly"), {"month": "2026-10", "format": "xlsx"})
    book = load_workbook(io.BytesIO(content.content))
    widths = [
        sheet.column_dimensions[cell.column_letter].width
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=3)
        for cell in row
        if cell.value == provider.name
    ]
    assert widths
    assert min(widths) >= len(provider.name)
