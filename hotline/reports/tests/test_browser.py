"""In a real Chromium: the manager reads the monthly report's charts and flags; the team lead
opens the daily report. Screenshots in var/screenshots/ for people to look at."""

import pytest

from conftest import screenshot, sign_in
from hotline.reports.tests.test_floor_reports import monday as monday
from hotline.reports.tests.test_monthly import october as october
from hotline.reports.tests.test_monthly import planted as planted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_d13_monthly_page_shows_charts_and_the_fault_alert(page, centre, october, planted) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "manager")
    page.goto("/reports/")
    page.click("form[action='/reports/monthly/'] button")
    page.fill("input[name=month]", "2026-10")
    page.click("form.report-form button")
    page.wait_for_selector("#faults svg")
    assert page.locator("svg.chart").count() >= 4
    assert page.locator("#faults td.alert").count() == 1
    screenshot(page, "reports-monthly")


def test_d7_daily_page_for_the_team_lead(page, centre, monday) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "lead")
    page.goto("/reports/daily/?day=2026-11-23")
    page.wait_for_selector("#agents svg")
    assert "Ivan Petrov" in page.locator("#agents").inner_text()
    screenshot(page, "reports-daily")
