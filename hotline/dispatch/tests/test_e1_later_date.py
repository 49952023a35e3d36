"""E1: the work order carries the whole ticket, the customer's later-date choice (D6) too: why,
who recorded it and when, on the dispatcher's and the provider's order pages and in the API,
so the technician does not take the customer's own date for the centre's delay."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.dispatch.models import WorkOrder
from hotline.testing.cases import make_ticket
from hotline.testing.times import utc
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db
MONDAY = utc(2026, 11, 23, 8)  # 10:00 in Sofia
FRIDAY_9_SOFIA = utc(2026, 11, 27, 7)
REASON = "Заминава до петък"  # the agent typed the customer's words in Bulgarian


@pytest.fixture
def order(client, centre, token_for, monkeypatch):  # type: ignore[no-untyped-def]
    """A repair whose window the customer put on Friday, past the response limit, dispatched
    from the board by the dispatcher."""
    monkeypatch.setattr("hotline.clock.now", lambda: MONDAY + timedelta(minutes=5))
    ticket = make_ticket(
        centre["agent1"],
        MONDAY,
        later_date_reason=REASON,
        later_date_by=centre["agent1"],
        later_date_at=MONDAY + timedelta(minutes=2),
        response_due=FRIDAY_9_SOFIA + timedelta(hours=3),
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        window_start=FRIDAY_9_SOFIA, window_end=FRIDAY_9_SOFIA + timedelta(hours=3)
    )
    client.force_login(centre["dispatcher"])
    response = client.post(reverse("dispatch:dispatch"), {"ticket": ticket.pk})
    assert response.status_code == 302, response.content
    return WorkOrder.objects.get(ticket=ticket)


def test_e1_the_order_copies_the_customers_later_date(centre, order):
    assert order.ticket_copy["later_date"] == {
        "reason": REASON,
        "by": str(centre["agent1"]),
        "at": (MONDAY + timedelta(minutes=2)).isoformat(),
    }


def test_e1_dispatcher_and_provider_read_the_later_date_on_the_order_page(client, centre, order):
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:order", args=[order.pk])).content.decode()
    assert REASON in page
    # the dispatcher reads Russian; the window in Sofia's time
    assert "27 ноября 2026 г., 09:00" in page
    assert "23 ноября 2026 г., 10:02" in page  # when it was recorded, in Sofia's time
    client.force_login(centre["provider1"])
    page = client.get(reverse("provider:order", args=[order.pk])).content.decode()
    assert 'data-testid="copy-later-date"' in page
    assert REASON in page
    assert str(centre["agent1"]) in page


def test_e1_the_order_api_carries_the_later_date(client, centre, token_for, order):
    for user, path in (
        (centre["dispatcher"], f"/api/v1/dispatch/orders/{order.pk}"),
        (centre["provider1"], f"/api/v1/provider/orders/{order.pk}"),
    ):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
        body = client.get(path, **auth).json()
        assert body["ticket_copy"]["later_date"]["reason"] == REASON


def test_e1_another_provider_reads_nothing_of_it(client, centre, token_for, order):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['provider2'])}"}
    response = client.get(f"/api/v1/provider/orders/{order.pk}", **auth)
    assert response.status_code == 404
    assert REASON not in response.content.decode()
    client.force_login(centre["provider2"])
    assert client.get(reverse("provider:order", args=[order.pk])).status_code == 404


def test_e1_an_order_without_a_later_date_says_none(client, centre, monkeypatch):
    monkeypatch.setattr("hotline.clock.now", lambda: MONDAY + timedelta(minutes=5))
    ticket = make_ticket(centre["agent1"], MONDAY)
    client.force_login(centre["dispatcher"])
    client.post(reverse("dispatch:dispatch"), {"ticket": ticket.pk})
    order = WorkOrder.objects.get(ticket=ticket)
    assert not order.ticket_copy["later_date"]
    page = client.get(reverse("dispatch:order", args=[order.pk])).content.decode()
    assert 'data-testid="copy-later-date"' not in page


def test_e1_dispatch_of_an_unknown_ticket_is_a_404_and_changes_nothing(client, centre):
    client.force_login(centre["dispatcher"])
    assert client.post(reverse("dispatch:dispatch"), {"ticket": "999999"}).status_code == 404
    assert client.post(reverse("dispatch:dispatch"), {"ticket": "x"}).status_code == 404
    assert not WorkOrder.objects.exists()
