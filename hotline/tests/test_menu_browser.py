"""In a real Chromium: the top menu keeps to one row at 1280 px in Russian for the roles with
the longest menus, collapses behind a "Menu" button on a phone, and a keyboard user can skip
it ("Skip to content" is the first stop of the tab order)."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from conftest import screenshot
from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.navigation import menu_entries_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The roles with the most pages; with the centre's pages grouped, the agent's bar is as long.
LONGEST_MENUS = {
    "admin": Role.ADMIN,
    "manager": Role.MANAGER,
    "lead": Role.TEAM_LEAD,
    "agent2": Role.AGENT,
}


def sign_in(page, username: str, language: str) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(username=username).update(language=language)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "hotline-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def menu_length_in_russian(role: str) -> int:
    with translation.override("ru"):
        return sum(len(str(entry.label)) for entry in menu_entries_for(role))


def test_the_roles_checked_have_the_longest_menus():
    longest = max(Role.values, key=menu_length_in_russian)
    assert longest in LONGEST_MENUS.values()


@pytest.mark.parametrize("username", LONGEST_MENUS)
def test_menu_takes_one_row_at_1280_px_in_russian(page, centre, username):
    sign_in(page, username, "ru")
    entries = page.locator("nav.menu .menu-items > li")
    expect(entries.first).to_be_visible()
    boxes = [entries.nth(i).bounding_box() for i in range(entries.count())]
    assert len(boxes) == len(menu_entries_for(LONGEST_MENUS[username]))
    assert all(box is not None for box in boxes)
    tops = [box["y"] for box in boxes if box]
    lowest = min(box["height"] for box in boxes if box)
    assert max(tops) - min(tops) < lowest / 2, boxes  # one row, not two
    assert max(box["x"] + box["width"] for box in boxes if box) <= 1280
    expect(page.locator(".menu-collapse > summary")).to_be_hidden()
    screenshot(page, f"menu-{username}-ru-1280")


def test_the_centre_drop_down_opens_and_closes(page, centre):
    sign_in(page, "admin", "en")
    rulebook = page.get_by_role("link", name="Rulebook", exact=True)
    expect(rulebook).to_be_hidden()
    page.locator(".menu-dropdown > summary", has_text="Centre").click()
    expect(rulebook).to_be_visible()
    page.keyboard.press("Escape")
    expect(rulebook).to_be_hidden()
    page.locator(".menu-dropdown > summary", has_text="Centre").click()
    rulebook.click()
    page.wait_for_url(f"**{reverse('rulebook:list')}")
    expect(page.locator(".menu-dropdown > summary.current")).to_have_text("Centre")


@pytest.mark.parametrize("username", LONGEST_MENUS)
def test_menu_is_collapsed_on_a_phone_and_opens(browser, live_server, centre, username):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, username, "ru")
        cases = page.locator("nav.menu").get_by_role("link", name="Обращения", exact=True)
        expect(cases).to_be_hidden()
        # nothing wider than the phone: no sideways scrolling
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        button = page.locator(".menu-collapse > summary")
        with translation.override("ru"):
            expect(button).to_have_text(translation.gettext("Menu"))
        button.click()
        expect(cases).to_be_visible()
        screenshot(page, f"menu-{username}-ru-390-open")
        cases.click()
        page.wait_for_url(f"**{reverse('tickets:list')}")
        expect(cases).to_be_hidden()  # the new page starts with the menu closed
    finally:
        context.close()


def test_skip_link_is_the_first_stop_and_goes_to_the_content(page, centre):
    sign_in(page, "admin", "en")  # the admin's home page has links and buttons to tab to
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0  # shown when focused, not left off-screen
    # the focused element is outlined (:focus-visible), not left bare
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_id("content")
    page.keyboard.press("Tab")  # the next stop is in the page's content, past the menu
    assert page.evaluate("document.activeElement.closest('main') !== null")
