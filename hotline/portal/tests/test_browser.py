"""In a real Chromium: the customer's portal on a desktop and on a phone (C2, C3, C5, E5), and an
agent making a follow-up call that sends a technician again (C6, D12)."""

from datetime import timedelta

import pytest

from conftest import screenshot, sign_in
from hotline.audit.models import Event
from hotline.clock import now as clock_now
from hotline.dispatch.models import WorkOrder
from hotline.followup.models import FollowUp
from hotline.followup.services import followups_plan
from hotline.testing.cases import completed_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        accept_downloads=True,
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_portal_shows_the_customer_their_cases_and_hands_over_the_record(page, account):
    sign_in(page, "customer1")
    page.goto("/portal/")
    first = account["first"]
    card = page.locator(".portal-cases li", has_text=first.ticket.number)
    assert card.locator(f"a[href='/dispatch/orders/{first.pk}/report.pdf']").count() == 1
    assert card.locator(".delay").count() == 0  # C3: the delay was the first order's
    assert account["other_order"].ticket.number not in page.content()
    screenshot(page, "portal-cases")
    page.click(f"text={first.ticket.number}")
    page.wait_for_selector(".flash.delay")
    screenshot(page, "portal-case")
    page.goto("/portal/")
    with page.expect_download() as download:
        page.locator(".record-buttons button[value=json]").click()
    assert download.value.suggested_filename.endswith(".json")
    assert Event.objects.filter(action="record_requested", rule="E5").count() == 1


def test_portal_on_a_phone_fits_the_screen(phone, account):
    sign_in(phone, "customer1")
    phone.goto("/portal/")
    screenshot(phone, "portal-cases-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the portal scrolls sideways on a phone"
    phone.goto(f"/portal/cases/{account['first'].ticket_id}/")
    screenshot(phone, "portal-case-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_download() as download:
        phone.goto("/portal/")
        phone.locator(".record-buttons button[value=pdf]").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_c6_agent_records_an_unresolved_follow_up_and_a_second_visit_goes_out(page, centre):
    done = clock_now() - timedelta(days=7)
    order = completed_order(centre, done)
    followups_plan(now=done + timedelta(minutes=1))
    followup = FollowUp.objects.get(work_order=order)
    sign_in(page, "agent2")
    page.goto("/followup/")
    screenshot(page, "followup-list")
    page.click(f"text={followup.number}")
    page.locator("button[value=take]").click()
    page.wait_for_selector("textarea[name=reason]")
    page.locator("input[name=score][value='2']").check()
    page.fill("textarea[name=reason]", "Still leaking after the visit")
    page.locator("input[name=resolved][value=no]").check()
    screenshot(page, "followup-call")
    page.locator("form:has(input[value=record]) button").click()
    page.wait_for_selector(".flash")
    screenshot(page, "followup-recorded")
    second = WorkOrder.objects.get(second_dispatch_of=order)
    assert second.number in page.content()
