"""Test setup shared by every app: the reference centre, role users, tokens and a real Chromium."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM would otherwise
# refuse to run next to it. Only the tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
# The closed network refuses Chromium's background connections; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "var" / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _no_read_replica_in_this_process() -> None:
    """The tests here write and read in one transaction no replica could see: they run without
    the replica alias (HOTLINE_DATABASE_REPLICA_URL, tools/testservers.py --replica), which
    hotline/tests/test_replica_reports.py gives to the processes it starts."""
    from django.conf import settings

    if settings.configured and "replica" in settings.DATABASES:
        from django.db import connections

        del settings.DATABASES["replica"]
        connections.settings.pop("replica", None)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings
    from django.db import connection

    if not settings.configured:
        return  # pure tests run without Django (-p no:django)

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(
            reason="needs PostgreSQL: run under tools/testservers.py --postgres"
        )
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request activates its user's language in the test thread; the next test starts afresh."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: on PostgreSQL runs the cache is a Redis that
    outlives the test's rolled-back database (a cached rulebook, plan or page of the test
    before must not answer for this one)."""
    yield
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture
def now() -> datetime:
    """A fixed instant: Monday 2026-11-23 10:00 in Sofia."""
    return datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The running system's time (`hotline.clock.now`, the live server's too: same process),
    Monday 10:00 in Sofia until the test moves it (`clock.advance(minutes=...)`)."""
    from hotline.testing.clock import MovingClock
    from hotline.testing.times import MONDAY_10_SOFIA

    moving = MovingClock(MONDAY_10_SOFIA)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def centre(db: None) -> dict[str, object]:
    """The tests' reference centre (hotline.testing.reference_centre), its users by user name."""
    from hotline.accounts.models import User
    from hotline.testing.reference_centre import seed_reference_centre

    seed_reference_centre()
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def in_english(centre: dict[str, object]) -> dict[str, object]:
    """Every user and customer reads English: for tests that check the words of pages and PDFs
    (the reference centre's people work in six languages; test_i18n checks the catalogs)."""
    from hotline.accounts.models import User
    from hotline.directory.models import Customer

    User.objects.update(language="en")
    Customer.objects.update(language="en")
    return centre


@pytest.fixture
def token_for(db: None):  # type: ignore[no-untyped-def]
    from hotline.accounts.services import api_token_create

    def make(user):  # type: ignore[no-untyped-def]
        return api_token_create(actor=None, now=datetime.now(UTC), user=user)[1]

    return make


@pytest.fixture
def api(client, centre, token_for):  # type: ignore[no-untyped-def]
    """api("dispatcher", "post", "/dispatch/orders", {...}): the API as that demo user, by
    bearer token. A test module with an `api` of its own (another clock, other users) keeps it."""
    import json

    def call(username, method, path, body=None):  # type: ignore[no-untyped-def]
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token_for(centre[username])}",
        )

    return call


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[object]:
    """One Playwright per test session: its sync API runs an event loop, and a second one
    started beside it fails. Browsers with other flags launch from this one."""
    from playwright.sync_api import expect, sync_playwright

    # A page's assertions wait as long as its actions (10 s, not Playwright's 5 s): on a
    # loaded two-core machine a live update can take longer than 5 s to land.
    expect.set_options(timeout=10_000)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver) -> Iterator[object]:  # type: ignore[no-untyped-def]
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Keep what the page looked like, for people to look at (var/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in on the page as `username` of the reference centre; wait for the page it opens."""
    from hotline.testing.reference_centre import PASSWORD

    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def htmx_settled(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until htmx has finished its requests and swaps. New content shows before htmx binds
    its attributes (at the settle, 20 ms later): a test acting faster than a person, in that
    window, would change a field htmx does not listen to yet or submit a form it has not boosted."""
    from playwright.sync_api import expect

    # A locator, not wait_for_function: the pages' CSP forbids evaluating strings.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
