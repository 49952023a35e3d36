"""In a real Chromium: the team lead reviews an agent's call against the scorecard (B11), and the
agent then reads the review under "My reviews"."""

from datetime import timedelta

import pytest

from conftest import screenshot, sign_in
from hotline.calls.models import CallReview
from hotline.calls.tests.test_reviews import answered_call
from hotline.clock import now as clock_now
from hotline.core.scorecard import SCORECARD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_b11_team_lead_reviews_a_call_and_the_agent_reads_it(page, in_english):
    call = answered_call(in_english["agent1"], clock_now() - timedelta(hours=1))
    sign_in(page, "lead")
    page.click("nav >> text=Call reviews")
    page.click(f"[data-call='{call.pk}'] >> text=Review")
    page.wait_for_selector("form.scorecard-form")
    marks = {c.code: "met" for c in SCORECARD} | {"transfer": "na", "close": "not_met"}
    for code, mark in marks.items():
        page.check(f"input[name='mark-{code}'][value='{mark}']")
    page.fill("#comment", "Clear and patient; say goodbye before you hang up.")
    screenshot(page, "review-form")
    page.click("form.scorecard-form button")
    score = page.wait_for_selector("[data-testid=review-score]")
    assert "86 %" in score.inner_text()  # 6 of 7 judged criteria met (the transfer did not arise)
    assert "6 of 7 met" in score.inner_text()
    screenshot(page, "review-saved")
    assert CallReview.objects.get().call_id == call.pk
    page.click("text=Back to the reviews")
    assert "Reviewed: 86 %" in page.inner_text(f"[data-call='{call.pk}']")
    assert "86 %" in page.inner_text("[data-testid=review-summary] [data-agent=agent1]")
    screenshot(page, "reviews-list")

    page.context.clear_cookies()
    sign_in(page, "agent1")
    page.click("nav >> text=My reviews")
    review = page.wait_for_selector(f"[data-testid=review-{CallReview.objects.get().pk}]")
    assert "say goodbye before you hang up" in review.inner_text()
    assert "Not met" in page.inner_text("[data-criterion=close]")
    screenshot(page, "my-reviews")
