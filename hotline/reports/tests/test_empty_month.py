"""D13: a month with no work orders says so at the top of the monthly report, with a link to the
latest month that has some, instead of a page of empty charts (issue 17)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from hotline import clock
from hotline.reports.tests.conftest import order, providers
from hotline.testing.times import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def monday_23_november(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 8, tzinfo=UTC))


def monthly(client, **query) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("reports:monthly"), query)
    assert response.status_code == 200
    page: str = response.content.decode()
    return page


def hint(page: str) -> str:
    start = page.index('data-testid="empty-month"')
    return page[start : page.index("</div>", start)]


def test_d13_an_empty_month_says_so_and_links_to_the_latest_month_with_orders(client, centre):
    order(providers()[0], utc(2026, 10, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    page = monthly(client, month="2026-08")
    words = hint(page)
    assert "No work orders were dispatched in August 2026" in words
    assert 'href="?month=2026-10"' in words
    assert "October 2026, the latest month with work orders" in words
    assert 'class="chart"' not in page  # no empty charts under the hint
    # the link opens a month with orders: no hint there, and charts
    page = monthly(client, month="2026-10")
    assert 'data-testid="empty-month"' not in page
    assert 'class="chart"' in page


def test_d13_the_latest_month_is_the_chosen_providers(client, centre):
    first, second = providers()[0], providers()[1]
    order(first, utc(2026, 11, 3, 8), centre["agent1"])
    order(second, utc(2026, 9, 3, 8), centre["agent1"])
    client.force_login(centre["manager"])
    words = hint(monthly(client, month="2026-10", provider=str(second.pk)))
    assert f'href="?month=2026-09&amp;provider={second.pk}"' in words
    # all providers: November, the first provider's month
    assert 'href="?month=2026-11"' in hint(monthly(client, month="2026-10"))


def test_d13_a_provider_is_pointed_to_its_own_latest_month_only(client, centre):
    mine = next(p for p in providers() if p.pk == centre["provider1"].provider_id)
    other = next(p for p in providers() if p.pk != mine.pk)
    order(mine, utc(2026, 9, 10, 8), centre["agent1"])
    order(other, utc(2026, 11, 10, 8), centre["agent1"])  # not the provider's to see
    client.force_login(centre["provider1"])
    words = hint(monthly(client, month="2026-10"))
    assert 'href="?month=2026-09"' in words
    assert "2026-11" not in words


def test_d13_no_orders_at_all_says_the_report_fills_in_later(client, centre):
    client.force_login(centre["manager"])
    words = hint(monthly(client))
    assert "There are no work orders yet" in words
    assert "href=" not in words


def test_d13_a_month_with_orders_has_no_hint(client, centre):
    order(providers()[0], utc(2026, 10, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    assert 'data-testid="empty-month"' not in monthly(client, month="2026-10")


def test_d13_the_hint_is_for_the_page_not_the_downloads(client, centre):
    client.force_login(centre["manager"])
    response = client.get(reverse("reports:monthly"), {"month": "2026-08", "format": "csv"})
    assert response.status_code == 200
    assert b"No work orders were dispatched" not in response.content


def test_d13_a_bad_month_is_still_a_400_not_a_hint(client, centre):
    client.force_login(centre["manager"])
    response = client.get(reverse("reports:monthly"), {"month": "2026-13"})
    assert response.status_code == 400
    assert 'data-testid="empty-month"' not in response.content.decode()


def test_d13_another_providers_month_is_refused_for_a_provider(client, centre):
    other = next(p for p in providers() if p.pk != centre["provider1"].provider_id)
    order(other, utc(2026, 10, 10, 8), centre["agent1"])
    client.force_login(centre["provider1"])
    response = client.get(reverse("reports:monthly"), {"month": "2026-08", "provider": other.pk})
    assert response.status_code == 404
    assert "2026-10" not in response.content.decode()
