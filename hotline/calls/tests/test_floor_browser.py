"""In a real Chromium: an agent takes a call at the desk, is refused a break under B3, and the
team lead's wallboard follows the floor live (Server-Sent Events, no reload)."""

import pytest
from playwright.sync_api import expect

from conftest import screenshot, sign_in
from hotline.calls.models import Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive
from hotline.clock import now as clock_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, action: str) -> None:
    page.click(f"#desk button[value={action}]")


def test_desk_agent_takes_a_call_from_ring_to_wrap_up(page, centre):
    sign_in(page, "agent8")  # Tom works in English
    page.goto("/floor/desk/")
    press(page, "login")
    page.wait_for_selector("#desk button[value=ready]")
    press(page, "ready")
    page.wait_for_selector(".state-ready")
    call_arrive(
        now=clock_now(),
        queue=Queue.objects.get(code="installations"),
        caller_number=centre["customer1"].customer.phone,
    )
    page.wait_for_selector("[data-testid=offer]")  # pushed by the stream, no reload
    assert centre["customer1"].customer.name in page.inner_text("[data-testid=offer]")
    screenshot(page, "desk-ringing")
    page.click("[data-testid=offer] button[value=accept]")
    page.wait_for_selector("[data-testid=call] .timer")
    screenshot(page, "desk-on-call")
    page.click("[data-testid=call] button[value=end]")
    page.wait_for_selector(".state-wrap_up")
    assert "1 of 30 calls today" in page.inner_text("#desk")


def test_desk_break_refused_under_b3_shows_the_rule(page, centre):
    tom, fang = centre["agent8"], centre["agent5"]
    for agent in (fang, tom):  # Fang has been ready longer: the call rings on her desk
        agent_log_in(actor=agent, now=clock_now())
        agent_make_ready(actor=agent, now=clock_now())
    call_arrive(
        now=clock_now(),
        queue=Queue.objects.get(code="installations"),
        caller_number="+359 2 000 000",
    )
    sign_in(page, "agent8")
    page.goto("/floor/desk/")
    page.click("#desk button[value='leave:break']")
    refusal = page.wait_for_selector(".refusal")
    assert refusal.get_attribute("data-rule") == "B3"
    assert "B3" in refusal.inner_text()
    assert "calls in the queue: 1," in refusal.inner_text()
    assert page.inner_text("[data-testid=state]").startswith("Ready")
    screenshot(page, "desk-refused-b3")


def test_wallboard_follows_the_floor_live(page, centre):
    sign_in(page, "lead")
    page.goto("/floor/wallboard/")
    assert page.inner_text("[data-testid=waiting-count]") == "0"
    url = page.url
    call_arrive(
        now=clock_now(), queue=Queue.objects.get(code="repairs"), caller_number="+359 2 111 111"
    )
    # a locator, not wait_for_function: that evaluates a string, which the page's CSP refuses
    expect(page.locator("[data-testid=waiting-count]")).to_have_text(
        "1",
        timeout=20_000,  # the stream polls twice a second; CI machines can be loaded
    )
    assert page.url == url
    screenshot(page, "wallboard-live")
