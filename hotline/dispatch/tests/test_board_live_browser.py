"""In a real Chromium (issue 17): the dispatch board refreshes its lists by itself, and never
while the dispatcher is typing a send-back or has a provider chosen: what they typed stays."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conftest import screenshot
from hotline.accounts.models import User
from hotline.clock import now as clock_now
from hotline.testing.cases import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, name)


def refresh_every_two_seconds(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#board-live").evaluate("el => { el.dataset.refreshSeconds = '2'; }")


def test_d2_board_refreshes_itself_and_keeps_what_is_typed(page, centre):
    User.objects.filter(username="dispatcher").update(language="en")
    now = clock_now()
    late = make_ticket(
        centre["agent1"],
        now - timedelta(minutes=15),
        work_order_due=now - timedelta(minutes=5),
    )
    page.goto("/accounts/login/")
    page.fill("#id_username", "dispatcher")
    page.fill("#id_password", "hotline-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    page.goto("/dispatch/")
    row = page.locator("[data-testid=ticket-row]", has_text=late.number)
    expect(row).to_have_class("d2-overdue")
    expect(row).to_contain_text("Past D2")
    url = page.url

    # A new ticket shows up by itself.
    fresh = make_ticket(centre["agent1"], clock_now())
    refresh_every_two_seconds(page)
    expect(page.locator("[data-testid=ticket-row]", has_text=fresh.number)).to_be_visible(
        timeout=20_000
    )
    assert page.url == url
    shot(page, "dispatch-board-live")

    # Typing a send-back: the refresh waits; nothing typed is lost.
    row.locator("details.bounce summary").click()
    reason = row.locator("input[name=reason]")
    reason.fill("The address is missing the floor")
    row.locator("select[name=provider]").focus()
    another = make_ticket(centre["agent1"], clock_now())
    refresh_every_two_seconds(page)
    page.wait_for_timeout(6_000)
    expect(page.locator("[data-testid=ticket-row]", has_text=another.number)).to_have_count(0)
    expect(reason).to_have_value("The address is missing the floor")
    shot(page, "dispatch-board-typing")

    # Sent back or left alone, the refresh goes on.
    reason.fill("")
    row.locator("details.bounce summary").click()
    page.locator("h1").click()
    expect(page.locator("[data-testid=ticket-row]", has_text=another.number)).to_be_visible(
        timeout=20_000
    )
