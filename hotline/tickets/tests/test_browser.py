"""In a real Chromium: an agent on a call opens a ticket from the desk, walks the script (E4),
completes the facts with the live quality hints (E3), offers a visit window (A5 / C1), reads the
ticket back and records the confirmation (E2): the ticket waits for dispatch. On a desktop
and on a phone-sized screen."""

from datetime import timedelta

import pytest

from conftest import screenshot, sign_in
from hotline.calls.choices import CallState
from hotline.calls.models import Call, Queue
from hotline.testing.cases import sofia_site
from hotline.tickets.choices import TicketState
from hotline.tickets.models import FaultCategory, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    """Monday 10:00 in Sofia, for the pages the live server renders (same process)."""
    monkeypatch.setattr("hotline.clock.now", lambda: now)


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SCREENS[request.param],
        has_touch=request.param == "phone",
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield request.param, tab
    context.close()


def test_e2_e3_e4_agent_takes_a_ticket_from_the_desk_to_dispatch(screen, centre, now):
    name, page = screen
    site = sofia_site()
    agent = centre["agent8"]  # works in English: the screenshots read without a catalogue
    Call.objects.create(
        queue=Queue.objects.get(code="installations"),
        caller_number=site.customer.phone,
        customer=site.customer,
        state=CallState.CONNECTED,
        arrived_at=now - timedelta(minutes=2),
        agent=agent,
        answered_at=now - timedelta(minutes=1),
    )
    sign_in(page, agent.username)
    page.goto("/floor/desk/")
    page.click("[data-testid=new-ticket]")

    # The screen pop's customer is there; choosing the category brings its script (E4).
    page.wait_for_selector("[data-testid=customer]")
    assert site.customer.name in page.inner_text("[data-testid=customer]")
    page.select_option("#id_category", label="Does not switch on")
    page.wait_for_selector("[data-testid=script]")
    page.check("#id_step_0")
    page.fill("#id_answer_0", "The socket works: a lamp lights")
    page.check("#id_step_1")  # E4: every step of the script, before the read-back
    page.check("#id_step_2")
    page.fill("#id_symptom", "Dead")
    screenshot(page, f"tickets-new-{name}")
    page.click("[data-testid=open-ticket]")

    # The ticket page: promises at once (C2), and what a technician still needs (E3).
    page.wait_for_selector("[data-testid=promises]")
    ticket = Ticket.objects.get()
    assert ticket.owner == agent
    assert ticket.call is not None
    hints = page.locator("[data-testid=hints]")
    assert hints.locator("[data-code=symptom]").count() == 1
    assert hints.locator("[data-code=time_window]").count() == 1
    screenshot(page, f"tickets-detail-open-{name}")

    # Reading back now is refused by E3, naming the rule; nothing typed is lost.
    page.fill("#id_steps_tried", "Another socket")
    page.click("[data-testid=read-back-button]")
    page.wait_for_selector(".refusal[data-rule=E3]")
    assert page.input_value("#id_steps_tried") == "Another socket"
    screenshot(page, f"tickets-refused-e3-{name}")

    # Typing a real symptom clears its hint live, before anything is saved.
    page.fill("#id_symptom", "Does not switch on: no light, no sound, since this morning")
    hints.locator("[data-code=symptom]").wait_for(state="detached")
    # the case opens beside the call (the desk's pane): the save is an htmx request, no page load
    with page.expect_response(lambda response: response.url.endswith(f"/tickets/{ticket.pk}/")):
        page.click("[data-testid=save-facts]")

    # A5 / C1: a window the SLA and the providers allow (today 13:00-15:00 in Sofia).
    page.fill("#id_start", "2026-11-23T13:00")
    page.fill("#id_end", "2026-11-23T15:00")
    page.click("[data-testid=save-facts]")  # one form: facts, window and options
    page.wait_for_selector("[data-testid=window]")
    page.wait_for_selector("[data-testid=hints] .ready")
    screenshot(page, f"tickets-detail-ready-{name}")

    # E2: read it back, large, and record the customer's confirmation.
    page.click("[data-testid=read-back-button]")
    page.wait_for_selector("[data-testid=read-back]")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.READ_BACK
    screenshot(page, f"tickets-read-back-{name}")
    page.click("[data-testid=confirm]")
    page.wait_for_selector(".state-to_dispatch")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH
    assert ticket.read_back_at == now
    screenshot(page, f"tickets-to-dispatch-{name}")

    page.goto("/tickets/")
    assert ticket.number in page.inner_text("table.cases")
    screenshot(page, f"tickets-my-cases-{name}")


def special_request_waiting(centre, now, site) -> Ticket:
    from hotline.tickets.services import (
        ticket_confirm,
        ticket_create,
        ticket_edit,
        ticket_read_back,
        ticket_set_window,
    )

    agent = centre["agent1"]
    leaking = FaultCategory.objects.get(code="leaking")
    ticket = ticket_create(
        actor=agent,
        now=now,
        customer=site.customer,
        kind="repair",
        site=site,
        equipment=site.equipment.first(),
        category=leaking,
        script_answers=[{"step": step, "done": True} for step in leaking.steps],  # E4
        symptom="Leaks under the door after every wash",
    )
    ticket_edit(
        actor=agent,
        now=now,
        ticket=ticket,
        steps_tried="Cleaned the filter",
        special_request="Come before 9:00: the café opens at 9",
    )
    start = now.replace(hour=11)
    ticket_set_window(
        actor=agent, now=now, ticket=ticket, start=start, end=start + timedelta(hours=2)
    )
    ticket_read_back(actor=agent, now=now, ticket=ticket)
    return ticket_confirm(actor=agent, now=now, ticket=ticket)


def test_d1_d9_d10_team_lead_and_manager_pages(page, browser, live_server, centre, now):
    from hotline.tickets.services import (
        complaint_escalate,
        ticket_confirm,
        ticket_create,
        ticket_read_back,
    )

    site = sofia_site()
    agent = centre["agent1"]
    special = special_request_waiting(centre, now, site)
    assert special.state == TicketState.AWAITING_APPROVAL
    complaint = ticket_create(
        actor=agent,
        now=now,
        customer=site.customer,
        kind="complaint",
        site=site,
        symptom="The technician left without fixing anything",
    )
    ticket_read_back(actor=agent, now=now, ticket=complaint)
    ticket_confirm(actor=agent, now=now, ticket=complaint)
    complaint_escalate(actor=agent, now=now, ticket=complaint, reason="Wants a supervisor")
    incident = ticket_create(
        actor=agent,
        now=now,
        customer=site.customer,
        kind="incident",
        incident_kind="property_damage",
        site=site,
        symptom="The washing machine flooded the flat below",
    )

    sign_in(page, "lead")
    page.goto("/tickets/approvals/")
    assert "the café opens at 9" in page.inner_text(f"[data-testid=approval-{special.pk}]")
    screenshot(page, "tickets-lead-approvals")
    page.check(f"#id_a{special.pk}-approved_0")
    page.locator(f"[data-testid=approval-{special.pk}] button").click()
    page.wait_for_selector(".flash")
    special.refresh_from_db()
    assert special.state == TicketState.TO_DISPATCH

    page.goto("/tickets/complaints/")
    screenshot(page, "tickets-lead-complaints")
    page.locator(f"[data-testid=complaint-{complaint.pk}] button").click()
    page.wait_for_selector(".flash")
    complaint.refresh_from_db()
    assert complaint.complaint.state == "with_engineer"

    page.goto(f"/tickets/{incident.pk}/")
    page.wait_for_selector("#reassign")  # B10: the team lead may give the case to another agent
    screenshot(page, "tickets-lead-incident-detail")

    # The manager, on a phone, decides the incident (D10).
    context = browser.new_context(
        base_url=live_server.url, viewport=SCREENS["phone"], has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    sign_in(phone, "manager")
    phone.goto("/tickets/incidents/")
    screenshot(phone, "tickets-manager-incidents-phone")
    phone.fill(f"#id_d{incident.pk}-decision", "Pay for the ceiling; send an engineer today")
    phone.locator(f"[data-testid=incident-{incident.pk}] button").click()
    phone.wait_for_selector(".flash")
    context.close()
    incident.refresh_from_db()
    assert incident.incident.state == "decided"


def test_e4_choosing_the_open_case_drops_the_script_and_links_the_case(page, centre, now):
    from hotline.tickets.services import ticket_create

    site = sofia_site()
    case = ticket_create(
        actor=centre["agent8"], now=now, customer=site.customer, kind="repair", site=site
    )
    sign_in(page, "agent8")
    page.goto(f"/tickets/new/?customer={site.customer_id}")
    page.select_option("#id_category", label="Does not switch on")
    page.wait_for_selector("[data-testid=script]")
    page.fill("#id_symptom", "The technician did not come")
    page.check(f"input[name=updates][value='{case.pk}']")
    page.wait_for_selector("[data-testid=no-script]")
    assert page.locator("[data-testid=script]").count() == 0
    assert page.input_value("#id_symptom") == "The technician did not come"  # nothing lost
    assert page.get_attribute("[data-testid=no-script] a", "href") == f"/tickets/{case.pk}/"
    screenshot(page, "tickets-new-updates-open-case")
