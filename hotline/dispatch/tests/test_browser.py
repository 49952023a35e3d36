"""In a real Chromium: the dispatcher dispatches from the board; the provider, on a phone,
acknowledges, books the visit, completes and has the customer sign on the canvas."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import screenshot, sign_in
from hotline.clock import now as clock_now
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.services import work_order_dispatch
from hotline.testing.cases import make_ticket
from hotline.tickets.choices import TicketState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOFIA = ZoneInfo("Europe/Sofia")


def test_d3_dispatcher_dispatches_from_the_board(page, centre):
    ticket = make_ticket(centre["agent1"], clock_now())
    sign_in(page, "dispatcher")
    page.goto("/dispatch/")
    row = page.locator("tr", has_text=ticket.number)
    assert "TechServ Sofia" in row.inner_text()
    screenshot(page, "dispatch-board")
    row.locator("button").first.click()
    page.wait_for_selector(".flash")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED
    screenshot(page, "dispatch-board-dispatched")


def test_board_on_a_phone_stacks_its_rows(phone, centre):
    now = clock_now()
    tickets = [make_ticket(centre["agent1"], now) for _ in range(3)]
    sign_in(phone, "dispatcher")
    phone.goto("/dispatch/")
    screenshot(phone, "dispatch-board-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the board scrolls sideways on a phone"
    row = phone.locator("tr", has_text=tickets[0].number)
    row.get_by_role("button").first.click()
    phone.wait_for_selector(".flash")
    tickets[0].refresh_from_db()
    assert tickets[0].state == TicketState.DISPATCHED


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_provider_on_a_phone_acknowledges_contacts_completes_and_signs(phone, centre):
    now = clock_now()
    order = work_order_dispatch(
        actor=centre["dispatcher"], now=now, ticket=make_ticket(centre["agent1"], now)
    )
    page = phone
    sign_in(page, "provider1")
    page.goto("/provider/")
    screenshot(page, "provider-phone-list")
    page.click(f"text={order.number}")
    page.locator("form:has(input[value=acknowledge]) button").click()
    page.wait_for_load_state()
    start = (now + timedelta(days=1)).astimezone(SOFIA).replace(minute=0, second=0, microsecond=0)
    page.fill("#visit_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#visit_end", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, "provider-phone-order")
    page.locator("form:has(input[value=contact]) button").click()
    page.wait_for_load_state()
    page.click("details:has(input[value=status]) > summary")
    page.fill("#status_text", "Spare pump ordered")
    page.locator("form:has(input[value=status]) button").click()
    page.wait_for_load_state()
    later = start + timedelta(days=1)
    page.click("details:has(input[value=delay]) > summary")
    page.select_option("#delay_reason", "parts")
    page.fill("#new_time", later.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#delay_text", "The pump arrives tomorrow")
    screenshot(page, "provider-phone-delay")
    page.locator("form:has(input[value=delay]) button").click()
    page.wait_for_load_state()  # "Job done" is open once the customer was contacted
    page.fill("#work_done", "Replaced the drain pump, tested two cycles")
    page.select_option("#option_chosen", "repair")
    page.locator("form:has(input[value=complete]) button").click()
    page.wait_for_selector("#signature-pad")
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 60)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 60 + (step % 3) * 20)
    page.mouse.up()
    page.fill("#signer_name", "Maria Ivanova")
    screenshot(page, "provider-phone-sign")
    page.locator("#sign-form button:not(.secondary)").click()
    page.wait_for_selector("a[href$='report.pdf']")
    screenshot(page, "provider-phone-signed")
    order.refresh_from_db()
    assert order.state == WorkOrderState.SIGNED
    assert order.signature_image.startswith("data:image/png;base64,")
    assert order.signer_name == "Maria Ivanova"
    assert order.visit_start == later  # moved by the delay (C3)
    assert order.reports.filter(kind="delay", delay_reason="parts").exists()
    assert order.reports.filter(kind="status", text="Spare pump ordered").exists()
