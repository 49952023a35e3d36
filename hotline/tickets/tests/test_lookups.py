"""Issue 14: an API client opens a case without scraping a page. Customers (one search for the
case pages, the E5 page and the API), their sites and equipment, fault categories with their
E4 scripts: scoped as the pages are, paged like every list, bounded queries."""

import pytest
from django.urls import reverse

from hotline.directory.models import Customer
from hotline.tickets.models import FaultCategory, Ticket
from hotline.tickets.tests.test_services_support import (
    first_category,
    home_site,
    other_site,
    walked,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

TICKETS = "/api/v1/tickets"
LOOKUPS = ("/customers", "/categories")


def test_e4_an_agent_finds_the_customer_site_equipment_and_script_then_opens_a_case(
    call_api, clock
):
    site = home_site()
    customer = site.customer
    digits = "".join(ch for ch in customer.phone if ch.isdigit())[-6:]
    found = call_api("agent1", "get", f"{TICKETS}/customers?q={digits}").json()
    assert customer.pk in [row["id"] for row in found["customers"]]
    by_name = call_api("agent1", "get", f"{TICKETS}/customers?q={customer.name[:5]}").json()
    assert customer.pk in [row["id"] for row in by_name["customers"]]
    sites = call_api("agent1", "get", f"{TICKETS}/customers/{customer.pk}/sites").json()["sites"]
    assert site.pk in [row["id"] for row in sites]
    mine = next(row for row in sites if row["id"] == site.pk)
    assert (mine["zone"], mine["region"]) == (site.zone, site.region.code)
    equipment = call_api(
        "agent1", "get", f"{TICKETS}/customers/{customer.pk}/equipment?site_id={site.pk}"
    ).json()["equipment"]
    assert equipment
    assert {row["site_id"] for row in equipment} == {site.pk}
    categories = call_api("agent1", "get", f"{TICKETS}/categories").json()["categories"]
    chosen = next(row for row in categories if row["code"] == "no-power")
    assert chosen["steps"] == FaultCategory.objects.get(code="no-power").steps
    clock.advance(minutes=1)
    body = {
        "customer_id": customer.pk,
        "kind": "repair",
        "site_id": site.pk,
        "equipment_id": equipment[0]["id"],
        "category_id": chosen["id"],
        "script_answers": [{"step": step, "done": True} for step in chosen["steps"]],
        "symptom": "Does not switch on, the display stays dark",
    }
    created = call_api("agent1", "post", TICKETS, body)
    assert created.status_code == 201, created.content
    assert created.json()["script"] == chosen["steps"]


def test_the_customer_search_is_paged_like_every_list(call_api, clock):
    Customer.objects.bulk_create(
        Customer(name=f"Pagetest {n:03d}", phone=f"+359 2 555 {n:04d}") for n in range(60)
    )
    first = call_api("lead", "get", f"{TICKETS}/customers?q=Pagetest").json()
    assert (len(first["customers"]), first["has_next"]) == (50, True)
    second = call_api("lead", "get", f"{TICKETS}/customers?q=Pagetest&page=2").json()
    assert (len(second["customers"]), second["has_next"]) == (10, False)
    names = [row["name"] for row in first["customers"] + second["customers"]]
    assert names == sorted(names)
    assert call_api("lead", "get", f"{TICKETS}/customers?q={'x' * 101}").status_code == 422
    assert call_api("lead", "get", f"{TICKETS}/customers?page=0").status_code == 422
    assert call_api("lead", "get", f"{TICKETS}/categories?q={'x' * 101}").status_code == 422


def test_a_customer_finds_only_their_own_account(call_api, clock, centre):
    own = centre["customer1"].customer
    stranger = Customer.objects.exclude(pk=own.pk).order_by("id").first()
    assert stranger is not None
    found = call_api("customer1", "get", f"{TICKETS}/customers?q={stranger.name}").json()
    assert found["customers"] == []
    mine = call_api("customer1", "get", f"{TICKETS}/customers").json()["customers"]
    assert [row["id"] for row in mine] == [own.pk]
    assert call_api("customer1", "get", f"{TICKETS}/customers/{own.pk}/sites").status_code == 200
    for path in ("sites", "equipment"):
        theirs = call_api("customer1", "get", f"{TICKETS}/customers/{stranger.pk}/{path}")
        assert theirs.status_code == 404  # as if it did not exist
        assert stranger.name not in theirs.content.decode()


@pytest.mark.parametrize("username", ["provider1", "pbx"])
def test_providers_and_the_exchange_look_up_nothing(call_api, clock, username):
    customer = home_site().customer
    for path in (
        *LOOKUPS,
        f"/customers/{customer.pk}/sites",
        f"/customers/{customer.pk}/equipment",
    ):
        response = call_api(username, "get", f"{TICKETS}{path}")
        assert response.status_code == 403
        assert customer.name not in response.content.decode()


def test_an_unknown_customer_is_404_and_a_bad_id_422(call_api, clock):
    assert call_api("agent1", "get", f"{TICKETS}/customers/{2**62}/sites").status_code == 404
    assert call_api("agent1", "get", f"{TICKETS}/customers/0/equipment").status_code == 422
    customer = home_site().customer
    assert (
        call_api("agent1", "get", f"{TICKETS}/customers/{customer.pk}/equipment?site_id=-3")
    ).status_code == 422


def test_one_customer_search_for_the_case_page_and_the_e5_page(client, centre):
    site = home_site()
    customer = site.customer
    assert customer.email
    client.force_login(centre["agent1"])
    new = client.get(reverse("tickets:new"), {"q": customer.email}).content.decode()
    assert f"?customer={customer.pk}" in new  # e-mail: the E5 page's way, now the case page's
    records = client.get(reverse("portal:records"), {"q": customer.name[:6]}).content.decode()
    assert customer.name in records
    long = client.get(reverse("portal:records"), {"q": customer.name + " " * 500 + "x" * 500})
    assert long.status_code == 200  # the query is cut to the search's length, not refused


def test_e4_opening_a_case_for_an_unknown_customer_is_404_and_records_nothing(call_api, clock):
    site = home_site()
    body = {"customer_id": 2**62, "kind": "enquiry", "symptom": "Warranty?"}
    assert call_api("agent1", "post", TICKETS, body).status_code == 404
    wrong = {
        "customer_id": other_site(site).customer_id,
        "kind": "repair",
        "site_id": site.pk,
        "script_answers": walked(first_category()),
    }
    assert call_api("agent1", "post", TICKETS, wrong).status_code == 422
    assert not Ticket.objects.exists()
