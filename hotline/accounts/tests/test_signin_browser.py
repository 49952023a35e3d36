"""In a real Chromium: a guesser is locked out of the sign-in page; the owner revokes a token."""

import pytest

from conftest import screenshot
from hotline.accounts.models import ApiToken
from hotline.accounts.services import api_token_create
from hotline.clock import now as clock_now
from hotline.testing.reference_centre import PASSWORD as DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def try_password(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def test_five_wrong_passwords_lock_the_page_and_the_right_one_too(page, in_english):
    for _ in range(5):
        try_password(page, "agent1", "guess")
    try_password(page, "agent1", DEMO_PASSWORD)
    alert = page.locator("[role=alert]").inner_text()
    assert alert == "Too many failed sign-ins. Try again in 15 minutes."
    assert page.url.endswith("/accounts/login/")
    screenshot(page, "signin-locked")


def test_the_owner_revokes_a_token_from_my_account(page, in_english):
    api_token_create(actor=None, now=clock_now(), user=in_english["agent1"], name="desk app")
    try_password(page, "agent1", DEMO_PASSWORD)
    page.goto("/accounts/me/")
    row = page.locator("tr", has_text="desk app")
    assert "live" in row.inner_text()
    row.locator("button").click()
    page.wait_for_selector("[role=status]")
    assert "revoked" in page.locator("tr", has_text="desk app").inner_text()
    assert ApiToken.objects.get().revoked_at is not None
    screenshot(page, "signin-tokens")
