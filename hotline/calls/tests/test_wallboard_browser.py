"""In a real Chromium (issue 17): the team lead acknowledges an alert on the wallboard, which
keeps following the floor live afterwards; a waiting caller turns from "waiting long" to "over
the limit" (A2) as the timer runs, in colour and in words, without a reload."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conftest import screenshot, sign_in
from hotline.accounts.models import User
from hotline.calls.models import Alert, Queue
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, offer_accept
from hotline.calls.services.tick import floor_tick
from hotline.clock import now as clock_now
from hotline.rulebook.services import rule_value_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, name)


def test_a1_lead_acknowledges_an_alert_and_the_wallboard_stays_live(page, centre):
    User.objects.filter(username="lead").update(language="en")
    agent = centre["agent1"]
    agent_log_in(actor=agent, now=clock_now())
    agent_make_ready(actor=agent, now=clock_now())
    call = call_arrive(
        now=clock_now(), queue=Queue.objects.get(code="repairs"), caller_number="+359 2 1"
    )
    offer = call.offers.get()
    offer_accept(actor=agent, now=clock_now(), offer_id=offer.pk)
    floor_tick(clock_now() + timedelta(minutes=16))  # A1: the call is past its 15 minutes
    alert = Alert.objects.get(kind="talk_over")

    sign_in(page, "lead")
    page.goto("/floor/wallboard/")
    row = page.locator(f"[data-testid=alert][data-alert='{alert.pk}']")
    expect(row).to_contain_text(str(agent))
    shot(page, "wallboard-alert")
    url = page.url
    row.locator("[data-testid=acknowledge]").click()
    seen = page.locator(f"[data-testid=alert-acknowledged][data-alert='{alert.pk}']")
    expect(seen).to_contain_text("Acknowledged by")
    assert page.url == url  # swapped in place (htmx), no reload
    alert.refresh_from_db()
    assert alert.acknowledged_by is not None
    assert alert.acknowledged_by.username == "lead"

    # Still live after the swap: a new caller shows up pushed by the stream.
    call_arrive(
        now=clock_now(), queue=Queue.objects.get(code="repairs"), caller_number="+359 2 222"
    )
    expect(page.locator("[data-testid=waiting-count]")).to_have_text("1", timeout=20_000)
    shot(page, "wallboard-acknowledged")


def test_a2_a_waiting_caller_turns_red_as_the_timer_runs(page, centre):
    User.objects.filter(username="lead").update(language="en")
    rule_value_set(
        actor=centre["admin"], now=clock_now(), key="a2.max_wait", raw="45 s", reason="browser"
    )
    sign_in(page, "lead")
    page.goto("/floor/wallboard/")
    call_arrive(
        now=clock_now(), queue=Queue.objects.get(code="repairs"), caller_number="+359 2 333"
    )
    row = page.locator("[data-testid=waiting-row]")
    expect(row).to_have_attribute("data-level", "ok", timeout=20_000)
    # From 30 s (2/3 of 45 s) "waiting long", from 45 s "over": the script moves it on, between
    # two refreshes of the panel as well.
    expect(row).to_have_attribute("data-level", "warn", timeout=40_000)
    expect(row).to_contain_text("waiting long")
    shot(page, "wallboard-waiting-long")
    expect(row).to_have_attribute("data-level", "over", timeout=30_000)
    expect(row).to_contain_text("over 45 s (A2)")
    expect(row).to_have_class("waiting wait-over")
    shot(page, "wallboard-waiting-over")
