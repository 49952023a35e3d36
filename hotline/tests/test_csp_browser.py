"""In a real Chromium, under the Content-Security-Policy every answer carries: the key pages
load and work with no violation (no inline script, style or handler; htmx and its SSE
streams from Hotline's own origin) and nothing they ask for fails (the favicon included), and
Swagger UI runs from Hotline's static files."""

import pytest
from playwright.sync_api import expect

from conftest import sign_in
from hotline.clock import now as clock_now
from hotline.dispatch.services import work_order_dispatch
from hotline.testing.cases import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched(page):  # type: ignore[no-untyped-def]
    """The page, and the CSP violations and script errors it reports (Chromium says "Refused
    to ... Content Security Policy" on the console; the event names the directive)."""
    problems: list[str] = []
    # An init script runs before the page's own and is not subject to its CSP.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    # A resource the page asks for and does not get (the favicon was a 404 in every session).
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def visit(page, path: str) -> None:  # type: ignore[no-untyped-def]
    answer = page.goto(path)
    assert answer is not None
    assert answer.status == 200, path
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_key_pages_run_under_the_csp_without_a_violation(watched, centre):
    page, problems = watched
    now = clock_now()
    ticket = make_ticket(centre["agent1"], now)
    order = work_order_dispatch(
        actor=centre["dispatcher"], now=now, ticket=make_ticket(centre["agent1"], now)
    )

    sign_in(page, "agent1")
    visit(page, "/floor/desk/")
    visit(page, f"/tickets/{ticket.pk}/")
    # the language switch submits on change from a static script, not an inline handler
    # (the form posts and redirects: wait for the new page, not for a quiet network, which can
    # come before the submit starts)
    page.select_option("[data-testid=language]", "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.context.clear_cookies()

    sign_in(page, "lead")
    visit(page, "/floor/wallboard/")
    page.wait_for_timeout(1500)  # the SSE stream connects and swaps in news
    page.context.clear_cookies()

    sign_in(page, "dispatcher")
    visit(page, "/dispatch/")
    page.context.clear_cookies()

    sign_in(page, "provider1")
    visit(page, "/provider/")
    visit(page, f"/provider/orders/{order.pk}/")  # the signature canvas' script
    page.context.clear_cookies()

    sign_in(page, "customer1")
    visit(page, "/portal/")

    assert problems == []


def test_swagger_ui_runs_from_hotlines_own_static_files(watched, live_server, centre):
    page, problems = watched
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else outside.append(request.url)
        ),
    )
    sign_in(page, "admin")
    visit(page, "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert outside == []
    assert problems == []
