"""In a real Chromium, in two languages: the desk follows the floor live without undoing what the
agent is doing. A refusal (B3) stays until dismissed, a transfer reason being typed keeps its
text and focus through floor events and the 10 s poll, a key answers the call, and the times
shown are the centre's (Europe/Sofia)."""

from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from conftest import screenshot, sign_in
from hotline.calls.choices import OfferOutcome
from hotline.calls.models import Offer, Queue
from hotline.calls.services.agents import agent_leave_request, agent_log_in, agent_make_ready
from hotline.calls.services.calls import call_arrive, offer_accept
from hotline.clock import now as clock_now
from hotline.core.breaks import LeaveKind
from hotline.testing.times import SOFIA
from hotline.workforce.models import Roster, RosterState, Shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def is_panel(response) -> bool:  # type: ignore[no-untyped-def]
    return "/floor/desk/panel/" in response.url


def publish_my_day(agent) -> None:  # type: ignore[no-untyped-def]
    """agent's published shift today (Sofia): 09:00-17:30, a break at 11:00."""
    now = clock_now()
    today = now.astimezone(SOFIA).date()
    roster = Roster.objects.create(
        team=agent.team,
        first_monday=today - timedelta(days=today.weekday()),
        weeks=1,
        state=RosterState.PUBLISHED,
        created_at=now,
        published_at=now,
    )
    Shift.objects.create(
        roster=roster,
        agent=agent,
        day=today,
        prep_start=8 * 60 + 45,
        start=9 * 60,
        end=17 * 60 + 30,
        breaks=[{"kind": "break", "start": 11 * 60, "end": 11 * 60 + 15}],
    )


@pytest.mark.parametrize(
    ("me", "language", "helpers"),
    [("agent8", "en", ("agent7", "agent6")), ("agent6", "bg", ("agent7", "agent8"))],
)
def test_desk_keeps_what_the_agent_does_across_live_updates(page, centre, me, language, helpers):
    agent, fang = centre[me], centre["agent5"]
    agent.language = language
    agent.save(update_fields=["language"])
    publish_my_day(agent)
    installations = Queue.objects.get(code="installations")
    for user in (fang, agent):  # Fang has been ready longer: the first call rings on her desk
        agent_log_in(actor=user, now=clock_now())
        agent_make_ready(actor=user, now=clock_now())
    call_arrive(now=clock_now(), queue=installations, caller_number="+359 2 000 001")

    sign_in(page, me)
    page.goto("/floor/desk/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    # Times are the centre's: the published shift as planned in Sofia
    expect(page.locator("[data-testid=shift]")).to_have_text("09:00–17:30")
    expect(page.locator("[data-testid=planned-break]")).to_have_text("11:00–11:15")

    # B: a break asked with the key while a caller waits is refused by B3, and stays.
    page.keyboard.press("b")
    refusal = page.locator(".refusal[data-rule=B3]")
    expect(refusal).to_be_visible()
    with translation.override(language):
        words = gettext("Refused by rule %(rule)s:") % {"rule": "B3"}
    expect(refusal).to_contain_text(words)

    # Floor events from other people: Fang answers; the next caller rings here.
    with page.expect_response(is_panel):
        offer_accept(
            actor=fang,
            now=clock_now(),
            offer_id=Offer.objects.get(agent=fang, outcome=OfferOutcome.PENDING).pk,
        )
    call_arrive(now=clock_now(), queue=installations, caller_number="+359 2 000 002")
    expect(page.locator("[data-testid=offer]")).to_be_visible()
    offer = Offer.objects.get(agent=agent, outcome=OfferOutcome.PENDING)
    rings_until = offer.expires_at.astimezone(SOFIA).strftime("%H:%M:%S")
    expect(page.locator("[data-testid=offer]")).to_contain_text(rings_until)
    expect(refusal).to_be_visible()

    # A: the key answers the call (shown on the button).
    expect(page.locator("[data-testid=offer] button[value=accept] kbd")).to_have_text("A")
    page.keyboard.press("a")
    expect(page.locator("[data-testid=call]")).to_be_visible()
    expect(page.locator("[data-testid=call] button[value=end]")).to_be_focused()  # main action

    # A colleague gets ready: the transfer form comes; untouched, it follows the floor.
    colleague, latecomer = centre[helpers[0]], centre[helpers[1]]
    agent_log_in(actor=colleague, now=clock_now())
    agent_make_ready(actor=colleague, now=clock_now())
    to_agent = page.locator("select[name=to_agent]")
    expect(to_agent).to_be_visible()  # pushed live
    agent_log_in(actor=latecomer, now=clock_now())
    agent_make_ready(actor=latecomer, now=clock_now())
    expect(to_agent.locator("option")).to_have_count(2)
    expect(page.locator("[data-testid=call] button[value=end]")).to_be_focused()  # kept
    # The agent picks a colleague and types a reason.
    page.keyboard.press("t")  # to the transfer form
    expect(to_agent).to_be_focused()
    to_agent.select_option(str(colleague.pk))
    reason = page.locator("input[name=reason]")
    reason.click()
    reason.press_sequentially("Caller needs the gas team")

    # Another person's floor event changes this call's card (a colleague steps away) ...
    with page.expect_response(is_panel):
        agent_leave_request(actor=latecomer, now=clock_now(), kind=LeaveKind.AWAY)
    page.wait_for_timeout(300)  # the answer merged
    expect(reason).to_have_value("Caller needs the gas team")
    expect(reason).to_be_focused()
    # ... and the 10 s poll; typing goes on where it was
    with page.expect_response(is_panel, timeout=15_000):
        pass
    page.wait_for_timeout(300)
    reason.press("End")
    page.keyboard.type(", now")
    expect(reason).to_have_value("Caller needs the gas team, now")
    expect(reason).to_be_focused()
    expect(to_agent).to_have_value(str(colleague.pk))
    expect(refusal).to_be_visible()  # through every update
    screenshot(page, f"desk-{language}-typing")

    # The refusal goes when the agent dismisses it, and stays gone.
    refusal.locator("button[data-dismiss]").click()
    expect(page.locator(".refusal")).to_have_count(0)
    with page.expect_response(is_panel, timeout=15_000):
        pass
    page.wait_for_timeout(300)
    expect(page.locator(".refusal")).to_have_count(0)
    expect(reason).to_have_value("Caller needs the gas team, now")


def test_b3_break_refused_at_wrap_up_end_stays_on_the_desk_until_dismissed(page, centre):
    """B5: the break asked during the call is decided when the wrap-up ends; refused by B3
    there, the agent is told, through updates and reloads, until they dismiss it."""
    tom = centre["agent8"]
    installations = Queue.objects.get(code="installations")
    agent_log_in(actor=tom, now=clock_now())
    agent_make_ready(actor=tom, now=clock_now())
    sign_in(page, "agent8")
    page.goto("/floor/desk/")
    call_arrive(now=clock_now(), queue=installations, caller_number="+359 2 000 011")
    expect(page.locator("[data-testid=offer]")).to_be_visible()
    page.keyboard.press("a")
    expect(page.locator("[data-testid=call] button[value=end]")).to_be_focused()
    page.keyboard.press("b")  # a break after this call (B5)
    expect(page.locator("[data-testid=call]")).to_contain_text("after this call and its wrap-up")
    call_arrive(now=clock_now(), queue=installations, caller_number="+359 2 000 012")
    page.keyboard.press("h")  # hang up: wrap-up
    expect(page.locator(".state-wrap_up")).to_be_visible()
    page.keyboard.press("r")  # wrap-up done: the break is decided now, B3 refuses it
    notice = page.locator("[data-testid=refused-after-call]")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("data-rule", "B3")
    expect(notice).to_contain_text("No break while customers wait")
    expect(page.locator("[data-testid=offer]")).to_be_visible()  # ready: the waiting call rings
    screenshot(page, "desk-en-refused-after-call")
    with page.expect_response(is_panel, timeout=15_000):
        pass
    page.wait_for_timeout(300)
    expect(notice).to_have_count(1)
    page.reload()
    expect(notice).to_be_visible()  # not only in this page: the desk keeps it
    with page.expect_response(lambda r: "/floor/desk/action/" in r.url) as dismissed:
        notice.locator("button[data-dismiss]").click()
    assert dismissed.value.status == 200
    expect(notice).to_have_count(0)
    page.reload()
    expect(page.locator("[data-testid=offer]")).to_be_visible()
    expect(notice).to_have_count(0)
