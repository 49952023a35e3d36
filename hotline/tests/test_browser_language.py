"""In a real Chromium: agents sign in and work in their own language."""

import pytest
from django.utils import translation

from conftest import screenshot, sign_in
from hotline.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def translated(language: str, message: str) -> str:
    with translation.override(language):
        text = translation.gettext(message)
    assert text != message, f"{message!r} has no {language} translation"
    return text


@pytest.mark.parametrize(("username", "language"), [("agent2", "ru"), ("agent5", "zh-hans")])
def test_agent_home_page_is_in_the_agents_language(page, centre, username, language):
    sign_in(page, username)
    page.wait_for_selector("h1")
    assert page.get_attribute("html", "lang") == language
    assert translated(language, "Rulebook") in page.inner_text("nav")
    main = page.inner_text("main")
    assert translated(language, "Floor rules for your shift") in main
    assert translated(language, "Maximum wait in the queue") in main
    assert "Floor rules" not in main
    screenshot(page, f"home-agent-{language}")


def test_language_switch_is_saved_on_the_account(page, centre):
    sign_in(page, "agent1")  # Ivan works in Bulgarian
    page.wait_for_selector("h1")
    assert page.get_attribute("html", "lang") == "bg"
    with page.expect_navigation():
        page.select_option("select[data-testid=language]", "fr")
    assert page.get_attribute("html", "lang") == "fr"
    assert User.objects.get(username="agent1").language == "fr"
    screenshot(page, "home-agent-fr")


def test_login_page_language_can_be_chosen_before_signing_in(page, centre):
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.select_option("select[data-testid=language]", "bg")
    assert page.get_attribute("html", "lang") == "bg"
    assert "Hotline" in page.inner_text("h1")
    screenshot(page, "login-bg")
