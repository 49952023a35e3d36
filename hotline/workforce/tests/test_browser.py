"""In a real Chromium: the team lead generates a roster from the form, reads the grid and the
staffing chart, and publishes it."""

import pytest

from conftest import screenshot, sign_in
from hotline.workforce.models import Roster, RosterState
from hotline.workforce.tests.conftest import FIRST_MONDAY, call_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_d14_lead_generates_checks_and_publishes_a_roster(page, centre, in_english):  # type: ignore[no-untyped-def]
    call_history("repairs")
    sign_in(page, "lead")
    page.goto("/workforce/")
    page.fill("input[name=first_monday]", FIRST_MONDAY.isoformat())
    page.click(".wfm-generate button[type=submit]")
    page.wait_for_selector(".wfm-grid", timeout=60_000)
    roster = Roster.objects.get()
    assert page.locator(".wfm-grid tbody tr").count() == 4
    screenshot(page, "workforce-roster")
    page.click("text=Staffing chart")
    page.wait_for_selector(".wfm-chart svg")
    page.click("a[href='?day=1']")
    page.wait_for_selector(".wfm-chart svg")
    screenshot(page, "workforce-staffing")
    page.goto(f"/workforce/rosters/{roster.pk}/")
    page.click("form[action$='/publish/'] button")
    page.wait_for_selector(".flash")
    roster.refresh_from_db()
    assert roster.state == RosterState.PUBLISHED
