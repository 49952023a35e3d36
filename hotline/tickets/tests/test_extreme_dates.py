"""Tickets stored before windows and deadlines were bounded (a window or a promise at the end of
year 9999): every page and export that shows them still answers, as its user opens it; the
time is printed in UTC where the centre's or the customer's zone can't hold it."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.directory.models import Customer
from hotline.testing.cases import make_ticket
from hotline.tickets.choices import TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.tests.test_services_support import walked

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 11, 23, 8, tzinfo=UTC)  # 10:00 in Sofia
END_OF_TIME = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)  # Sofia would be year 10000


@pytest.fixture
def stored(centre, monkeypatch):  # type: ignore[no-untyped-def]
    """agent1's open repair for customer1's customer, its window and promises in year 9999."""
    monkeypatch.setattr("hotline.clock.now", lambda: MONDAY + timedelta(minutes=5))
    customer = centre["customer1"].customer
    site = customer.sites.first()
    ticket = make_ticket(centre["agent1"], MONDAY, site=site, state=TicketState.OPEN)
    category = ticket.category
    assert category is not None, "make_ticket gives the case a category"
    Ticket.objects.filter(pk=ticket.pk).update(
        window_start=END_OF_TIME - timedelta(hours=2),
        window_end=END_OF_TIME,
        response_due=END_OF_TIME,
        resolution_due=END_OF_TIME,
        later_date_reason="Далеч в бъдещето",
        later_date_by=centre["agent1"],
        later_date_at=END_OF_TIME,
        script_answers=walked(category),
    )
    return Ticket.objects.get(pk=ticket.pk)


def test_e2_ticket_page_with_a_window_in_year_9999_opens(client, centre, stored):
    client.force_login(centre["agent1"])
    response = client.get(reverse("tickets:detail", args=[stored.pk]))
    assert response.status_code == 200
    assert "9999" in response.content.decode()


def test_e2_read_back_of_a_window_in_year_9999_answers(client, centre, token_for, stored):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['agent1'])}"}
    response = client.post(
        f"/api/v1/tickets/{stored.pk}/read-back", content_type="application/json", **auth
    )
    assert response.status_code == 200, response.content
    assert "9999" in response.json()["read_back_text"]  # the window, in UTC
    client.force_login(centre["agent1"])
    page = client.get(reverse("tickets:detail", args=[stored.pk]))
    assert page.status_code == 200
    assert response.json()["read_back_text"].splitlines()[0] in page.content.decode()


def test_c2_portal_case_page_with_a_window_in_year_9999_opens(client, centre, stored):
    client.force_login(centre["customer1"])
    response = client.get(reverse("portal:case", args=[stored.pk]))
    assert response.status_code == 200
    assert "9999" in response.content.decode()
    assert client.get(reverse("portal:cases")).status_code == 200


@pytest.mark.parametrize("fmt", ["pdf", "json", "csv"])
def test_e5_record_with_a_window_in_year_9999_is_handed_over(client, centre, stored, fmt):
    client.force_login(centre["customer1"])
    response = client.post(reverse("portal:record"), {"format": fmt})
    assert response.status_code == 200, response.content[:500]
    if fmt == "json":
        tickets = json.loads(response.content)["tickets"]
        assert any(t["window_end"].startswith("9999") for t in tickets)


def test_e5_staff_hand_the_record_over_too(client, centre, stored):
    client.force_login(centre["agent1"])
    url = reverse("portal:customer_record", args=[stored.customer_id])
    assert client.post(url, {"format": "pdf"}).status_code == 200


def test_e2_another_customer_and_a_provider_read_nothing_of_it(client, centre, stored):
    other = Customer.objects.exclude(pk=stored.customer_id).order_by("pk").first()
    someone = User.objects.create(username="other-customer", role=Role.CUSTOMER, customer=other)
    client.force_login(someone)
    assert client.get(reverse("portal:case", args=[stored.pk])).status_code == 404
    client.force_login(centre["provider1"])
    assert client.get(reverse("tickets:detail", args=[stored.pk])).status_code in (403, 404)
