"""In a real Chromium, in two languages: a call rings with its screen pop, the agent answers,
writes the case beside the call (the desk's case pane), reads it back, ends the call and
records the wrap-up. The call's timer and its end button stay in sight while the case is
written, and what is typed is never lost to the desk's live updates."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conftest import htmx_settled, screenshot, sign_in
from hotline.calls.models import Call, Queue
from hotline.calls.services.calls import call_arrive
from hotline.testing.cases import make_ticket, sofia_site
from hotline.tickets.choices import TicketState
from hotline.tickets.models import FaultCategory, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (agent, their queue, the language they work in)
AGENTS = {"en": ("agent8", "installations"), "bg": ("agent1", "repairs")}


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    """Monday 10:00 in Sofia, for the pages the live server renders (same process)."""
    monkeypatch.setattr("hotline.clock.now", lambda: now)


def call_controls_in_sight(page) -> None:
    call = page.locator("#desk [data-testid=call]")
    expect(call.locator(".talk .timer")).to_be_in_viewport()
    expect(call.locator("button[value=end]")).to_be_in_viewport()


@pytest.mark.parametrize("language", list(AGENTS))
def test_e4_e2_ring_screen_pop_case_beside_the_call_read_back_end_wrap_up(
    page, centre, now, language
):
    username, queue = AGENTS[language]
    agent = centre[username]
    assert agent.language == language
    site = sofia_site()
    customer = site.customer
    earlier = make_ticket(agent, now - timedelta(days=1), site=site)
    category = FaultCategory.objects.get(code="no-power")

    sign_in(page, username)
    page.goto("/floor/desk/")
    page.click("#desk button[value=login]")
    page.click("#desk button[value=ready]")
    page.wait_for_selector(".state-ready")

    # The call rings: the screen pop says who calls, where, with what, and their open case.
    call_arrive(now=now, queue=Queue.objects.get(code=queue), caller_number=customer.phone)
    pop = page.locator("[data-testid=offer] [data-testid=screen-pop]")
    expect(pop.locator("[data-testid=pop-customer]")).to_have_text(customer.name)
    expect(pop.locator("[data-testid=pop-sites]")).to_contain_text(site.address)
    expect(pop.locator("[data-testid=pop-cases]")).to_contain_text(earlier.number)
    screenshot(page, f"desk-pop-ringing-{language}")

    page.click("[data-testid=offer] button[value=accept]")
    page.wait_for_selector("#desk [data-testid=call] .talk .timer")
    call = Call.objects.get(customer=customer, agent=agent)
    expect(page.locator("#desk [data-testid=call] [data-testid=link-case]")).to_have_count(1)

    # The case form opens beside the call.
    page.click("[data-testid=new-ticket]")
    pane = page.locator("#case-pane")
    expect(pane.locator("[data-testid=customer]")).to_have_text(customer.name)
    htmx_settled(page)
    pane.locator("#id_category").select_option(str(category.pk))
    pane.locator("[data-testid=script]").wait_for()  # after the category's request
    htmx_settled(page)
    for index in range(len(category.steps)):
        pane.locator(f"#id_step_{index}").check()
    pane.locator("#id_symptom").fill("Does not switch on: no light, no sound, since this morning")
    call_controls_in_sight(page)
    screenshot(page, f"desk-case-new-{language}")
    pane.locator("[data-testid=open-ticket]").click()

    # The case, still beside the call: facts, window, then the read-back.
    pane.locator("[data-testid=promises]").wait_for()
    htmx_settled(page)
    ticket = Ticket.objects.get(call=call)
    assert page.url.endswith("/floor/desk/")  # the desk never left
    pane.locator("#id_steps_tried").fill("Another socket")
    pane.locator("#id_steps_tried").scroll_into_view_if_needed()
    call_controls_in_sight(page)  # the call column stays in sight as the case scrolls
    pane.locator("#id_start").fill("2026-11-23T13:00")
    pane.locator("#id_end").fill("2026-11-23T15:00")
    pane.locator("#id_offered_0").check()  # C4, in the same form: one flow
    pane.locator("#id_chosen_0").check()
    pane.locator("[data-testid=save-facts]").click()
    pane.locator("[data-testid=window]").wait_for()
    htmx_settled(page)
    pane.locator("[data-testid=read-back-button]").click()
    pane.locator("[data-testid=read-back]").wait_for()
    htmx_settled(page)
    call_controls_in_sight(page)
    screenshot(page, f"desk-case-read-back-{language}")
    pane.locator("[data-testid=confirm]").click()
    pane.locator(".state-to_dispatch").wait_for()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH

    # End the call: the wrap-up names the case made on it and suggests its code.
    page.click("#desk [data-testid=call] button[value=end]")
    wrap_up = page.locator("#desk [data-testid=wrap-up]")
    expect(wrap_up.locator("[data-testid=wrap-up-case]")).to_have_text(ticket.number)
    expect(wrap_up.locator("[data-testid=wrap-up-code]")).to_have_value("case_opened")
    wrap_up.locator("[data-testid=wrap-up-note]").fill("Visit today 13-15, customer at home")
    page.wait_for_timeout(11_000)  # the desk's panel refreshes itself every 10 s
    expect(wrap_up.locator("[data-testid=wrap-up-note]")).to_have_value(
        "Visit today 13-15, customer at home"
    )
    wrap_up.locator("[data-testid=wrap-up-save]").click()
    wrap_up.locator("[data-testid=wrap-up-saved]").wait_for()
    screenshot(page, f"desk-wrap-up-{language}")
    call.refresh_from_db()
    assert (call.wrap_up_code, call.wrap_up_note) == (
        "case_opened",
        "Visit today 13-15, customer at home",
    )
    # the case page stayed in the pane through the end of the call
    expect(pane.locator(".state-to_dispatch")).to_be_visible()
