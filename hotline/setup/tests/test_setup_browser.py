"""In a real Chromium: an admin sets up a new centre's site in Tokyo from the setup page, step by
step (site and zone, opening hours, a team, a queue, one rulebook number), then an agent of the
new team takes a call on the new queue and sees its times in Tokyo's zone (issue 20)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import screenshot, sign_in
from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.calls.models import Queue
from hotline.calls.services.calls import call_arrive
from hotline.rulebook.models import RuleValue
from hotline.testing.reference_centre import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, f"setup-{name}")
    page.click("[data-testid=setup-form] button[type=submit]")
    page.wait_for_selector(".flash.success")


def test_an_admin_sets_up_a_new_centre_and_its_agent_works_in_its_zone(page, in_english, clock):
    sign_in(page, "admin")
    page.goto("/setup/")
    screenshot(page, "setup-index")
    page.click("[data-testid=setup-steps] a >> nth=0")

    page.fill("#id_name", "Tokyo office")
    page.select_option("#id_time_zone", "Asia/Tokyo")
    save(page, "1-site")
    assert "Asia/Tokyo" in page.inner_text("[data-testid=setup-existing]")

    page.click("text=Next: Opening hours")
    page.select_option("#id_calendar", label="Tokyo office (Asia/Tokyo)")
    page.check("input[name=working_days][value='5']")  # Saturdays too
    page.fill("#id_opens", "08:00")
    page.fill("#id_closes", "18:00")
    save(page, "2-hours")
    tokyo = page.locator("[data-testid=setup-existing] tr", has_text="Tokyo office")
    assert "Saturday" in tokyo.inner_text()
    assert "08:00–18:00" in tokyo.inner_text()

    page.click("text=Next: Teams")
    page.fill("#id_name", "Tokyo team")
    page.select_option("#id_site", label="Tokyo office")
    save(page, "3-team")

    page.click("text=Next: Queues")
    page.fill("#id_code", "tokyo")
    page.fill("#id_name", "Tokyo line")
    page.select_option("#id_team", label="Tokyo team")
    save(page, "4-queue")

    page.click("text=Next: Rulebook numbers")
    page.select_option("[data-testid=setup-choose] select", "a1.max_talk")
    page.click("[data-testid=setup-choose] button")
    page.fill("#id_value", "5 min")
    page.select_option("#id_scope", "queue")
    page.fill("#id_scope_ref", "tokyo")
    page.fill("#id_reason", "Short calls on the Tokyo line")
    save(page, "5-rulebook")
    assert "5 min" in page.inner_text("[data-testid=setup-existing]")

    team, queue = Team.objects.get(name="Tokyo team"), Queue.objects.get(code="tokyo")
    assert queue.team == team
    assert team.site.calendar.time_zone == "Asia/Tokyo"
    assert RuleValue.objects.get(key="a1.max_talk").scope_ref == str(queue.pk)

    # An agent of the new team (people come in with the import) takes a call at 17:00 in Tokyo
    User.objects.create_user(
        "kenji", password=PASSWORD, role=Role.AGENT, team=team, language="en", first_name="Kenji"
    )
    page.context.clear_cookies()
    sign_in(page, "kenji")
    page.goto("/floor/desk/")
    page.click("#desk button[value=login]")
    page.click("#desk button[value=ready]")
    page.wait_for_selector(".state-ready")
    call_arrive(now=clock(), queue=queue, caller_number="+81 3 0000 0000")
    offer = page.wait_for_selector("[data-testid=offer]")
    assert "17:00:15" in offer.inner_text()  # rings until: Tokyo's time (10:00 in Sofia)
    page.click("[data-testid=offer] button[value=accept]")
    talk = page.wait_for_selector("[data-testid=call] .talk")
    assert "limit at 17:05" in talk.inner_text()  # A1 of the new queue, in Tokyo's time
    # The talk timer counts on the server's clock (weeks behind the browser's here), from 0.
    expect(page.locator("[data-testid=call] .talk .timer")).to_have_text(
        re.compile(r"^0:[0-5][0-9]$")
    )
    screenshot(page, "setup-6-agent-desk")
