"""D13: the monthly report opens on a month with something in it (it opened on an empty last
month in a new centre, with empty charts and no hint)."""

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


def _opened_on(client) -> str:  # type: ignore[no-untyped-def]
    page: str = client.get(reverse("reports:monthly")).content.decode()
    return page.split('name="month"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


def test_d13_opens_on_the_last_whole_month_when_it_had_orders(client, centre):
    order(providers()[0], utc(2026, 10, 10, 8), centre["agent1"])
    order(providers()[0], utc(2026, 11, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    assert _opened_on(client) == "2026-10"


def test_d13_a_new_centre_opens_on_its_first_month(client, centre):
    order(providers()[0], utc(2026, 11, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    assert _opened_on(client) == "2026-11"


def test_d13_a_provider_opens_on_a_month_of_its_own_orders(client, centre):
    mine = next(p for p in providers() if p.pk == centre["provider1"].provider_id)
    other = next(p for p in providers() if p.pk != mine.pk)
    order(other, utc(2026, 10, 10, 8), centre["agent1"])
    order(mine, utc(2026, 11, 10, 8), centre["agent1"])
    client.force_login(centre["provider1"])
    assert _opened_on(client) == "2026-11"


def test_d13_with_no_orders_at_all_it_opens_on_the_last_whole_month(client, centre):
    client.force_login(centre["manager"])
    assert _opened_on(client) == "2026-10"


def test_d13_the_reports_index_offers_the_same_month(client, centre):
    order(providers()[0], utc(2026, 11, 10, 8), centre["agent1"])
    client.force_login(centre["manager"])
    page = client.get(reverse("reports:index")).content.decode()
    assert 'name="month" value="2026-11"' in page
