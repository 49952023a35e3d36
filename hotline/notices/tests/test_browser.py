"""In a real Chromium: a customer reads their notices in Bulgarian; a dispatcher logs a call."""

import pytest

from conftest import screenshot, sign_in
from hotline.clock import now as clock_now
from hotline.directory.models import Provider
from hotline.notices.choices import NoticeState
from hotline.notices.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TRANSLATED = "Your role cannot use this operation."  # a string the bg catalog already has


def test_c3_customer_reads_their_notice_from_the_menu(page, centre):
    notify(
        now=clock_now(),
        rule="C3",
        customer=centre["customer1"].customer,
        subject=TRANSLATED,
        body="T-000001",
    )
    sign_in(page, "customer1")
    page.click("nav a[href='/notices/']")
    card = page.locator(".notice-list .card").first
    assert "Вашата роля не позволява тази операция." in card.inner_text()
    screenshot(page, "notices-customer")


def test_d3_dispatcher_marks_a_phone_call_made(page, centre):
    provider = centre["provider2"].provider
    Provider.objects.filter(pk=provider.pk).update(channel="phone")
    provider.refresh_from_db()
    notice = notify(
        now=clock_now(), rule="D3", provider=provider, subject="Work order W-7", body="Call"
    )
    sign_in(page, "dispatcher")
    page.goto("/notices/")
    card = page.locator(".to-log .card", has_text="Work order W-7")
    screenshot(page, "notices-to-log")
    card.locator("button").click()
    page.wait_for_selector(".flash")
    notice.refresh_from_db()
    assert notice.state == NoticeState.SENT
    assert page.locator(".to-log .card", has_text="Work order W-7").count() == 0
