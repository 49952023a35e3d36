"""D2 in the floor's case table: the row counts the cases the agent solved on the phone (the
ticket's ``solved`` events, without an order), and says so. The daily and weekly reports count
every solved case by how in their own section, so they leave that row out, in every format."""

import csv
import io
import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from hotline.core.reportmath import day_period
from hotline.dispatch.services import work_order_complete, work_order_dispatch, work_order_sign
from hotline.reports import floor
from hotline.testing.cases import make_ticket
from hotline.testing.times import utc
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.services import ticket_solve

pytestmark = pytest.mark.django_db
MONDAY = utc(2026, 11, 23, 8)  # 10:00 in Sofia
SOFIA = ZoneInfo("Europe/Sofia")
PHONE_ROW = "Cases solved on the phone (D2)"


@pytest.fixture
def day(centre, monkeypatch):  # type: ignore[no-untyped-def]
    """Monday: two enquiries solved on the phone, a repair solved by a signed order."""
    agent = centre["agent1"]
    for hours in (1, 2):
        enquiry = make_ticket(
            agent, MONDAY, kind=TicketKind.ENQUIRY, state=TicketState.OPEN, site=None
        )
        ticket_solve(
            actor=agent, now=MONDAY + timedelta(hours=hours), ticket=enquiry, resolution="Казах"
        )
    order = work_order_dispatch(
        actor=centre["dispatcher"], now=MONDAY, ticket=make_ticket(agent, MONDAY)
    )
    desk = centre["provider1"]
    work_order_complete(
        actor=desk, now=MONDAY + timedelta(hours=3), order_id=order.pk, work_done="ok"
    )
    work_order_sign(actor=desk, now=MONDAY + timedelta(hours=4), order_id=order.pk, signer_name="M")
    monkeypatch.setattr("hotline.clock.now", lambda: MONDAY + timedelta(days=1))


def test_d2_floor_case_table_names_what_its_solved_row_counts(day):
    with translation.override("en"):
        section = floor.case_section(day_period(date(2026, 11, 23), SOFIA))
        figures = {row["figure"]: row["value"] for row in section.rows}
    assert figures[PHONE_ROW] == 2  # not the order's signature
    assert "Cases solved" not in figures


@pytest.mark.parametrize("report", ["daily", "weekly"])
def test_d2_daily_and_weekly_leave_the_phone_row_to_their_solved_section(
    client, in_english, centre, day, report
):
    client.force_login(centre["lead"])
    url = reverse(f"reports:{report}")
    as_json = json.loads(client.get(url, {"day": "2026-11-23", "format": "json"}).content)
    figures = [r["figure"] for r in as_json["sections"]["cases"]["rows"]]
    assert PHONE_ROW not in figures
    assert "Cases solved" not in figures
    solved = {r["how"]: r["cases"] for r in as_json["sections"]["solved"]["rows"]}
    assert solved["on the phone or by the promised callback (D2, D11)"] == 2
    text = client.get(url, {"day": "2026-11-23", "format": "csv"}).content.decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert "Cases solved" not in cells
    assert PHONE_ROW not in cells
    page = client.get(url, {"day": "2026-11-23"}).content.decode()
    assert PHONE_ROW not in page


def test_d2_reports_are_closed_to_agents(client, centre, day):
    client.force_login(centre["agent1"])
    assert client.get(reverse("reports:daily"), {"day": "2026-11-23"}).status_code == 403
