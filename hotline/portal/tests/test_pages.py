"""The customer portal (C2, C3, C5) and the E5 record pages: own data only, wrong roles refused."""

import json

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_c2_c3_c5_portal_lists_cases_with_promises_delays_and_reports(client, account, in_english):
    client.force_login(account["user"])
    response = client.get(reverse("portal:cases"))
    assert response.status_code == 200
    page = response.content.decode()
    first = account["first"]
    assert first.ticket.number in page
    assert account["waiting"].number in page
    assert reverse("dispatch:report", args=[first.pk]) in page  # C5: the service report
    for other in (account["other_customer"].name, account["other_order"].ticket.number):
        assert other not in page
    # C3: the first visit's delay and its reason (the list shows the current order's only).
    case = client.get(reverse("portal:case", args=[first.ticket.pk])).content.decode()
    assert "Waiting for spare parts" in case


def test_c2_portal_shows_the_promised_times_in_the_customers_zone(client, account, now):
    ticket = account["waiting"]
    ticket.response_due = now.replace(hour=12, minute=0)  # 14:00 in Sofia
    ticket.save(update_fields=["response_due"])
    client.force_login(account["user"])
    page = client.get(reverse("portal:case", args=[ticket.pk])).content.decode()
    assert "14:00" in page


def test_c3_case_page_shows_every_delay_with_its_reason(client, account):
    client.force_login(account["user"])
    account["user"].language = "en"
    account["user"].save(update_fields=["language"])
    page = client.get(reverse("portal:case", args=[account["first"].ticket_id])).content.decode()
    assert "Waiting for spare parts" in page
    assert "The pump comes from the warehouse" in page
    assert "Your repair" in page or "Messages" in page  # notices about the case


def test_portal_another_customers_case_is_404(client, account):
    client.force_login(account["user"])
    other = account["other_order"].ticket_id
    assert client.get(reverse("portal:case", args=[other])).status_code == 404
    assert client.get(reverse("portal:case", args=[999999])).status_code == 404


def test_portal_other_customer_sees_only_their_own(client, account):
    client.force_login(account["other_user"])
    page = client.get(reverse("portal:cases")).content.decode()
    assert account["other_order"].ticket.number in page
    assert "Waiting for spare parts" in page  # C3: the current order's delay, in the list
    assert account["first"].ticket.number not in page
    assert client.get(reverse("portal:case", args=[account["first"].ticket_id])).status_code == 404


@pytest.mark.parametrize("name", ["agent1", "lead", "dispatcher", "provider1", "admin"])
def test_portal_pages_refuse_other_roles(client, centre, account, name):
    client.force_login(centre[name])
    assert client.get(reverse("portal:cases")).status_code == 403
    ticket = account["first"].ticket_id
    assert client.get(reverse("portal:case", args=[ticket])).status_code == 403
    assert client.post(reverse("portal:record"), {"format": "json"}).status_code == 403


def test_e5_customer_downloads_their_record_from_the_portal(client, centre, account):
    client.force_login(account["user"])
    response = client.post(reverse("portal:record"), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    record = json.loads(response.content)
    assert record["customer"][0]["id"] == account["customer"].pk
    assert Event.objects.filter(action="record_requested", rule="E5").count() == 1
    assert Notice.objects.filter(user=centre["lead"], rule="E5").count() == 1


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
def test_e5_record_files(client, account, fmt):
    client.force_login(account["user"])
    response = client.post(reverse("portal:record"), {"format": fmt})
    assert response.status_code == 200
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF")
    else:
        assert response.content.decode("utf-8-sig").startswith("section,id,field,value")


def test_e5_bad_format_is_422_and_nothing_recorded(client, account):
    client.force_login(account["user"])
    response = client.post(reverse("portal:record"), {"format": "docx"})
    assert response.status_code == 422
    assert "E5" in response.content.decode()
    assert not Event.objects.filter(action="record_requested").exists()


def test_e5_record_is_never_fetched_by_a_get(client, account):
    client.force_login(account["user"])
    assert client.get(reverse("portal:record")).status_code == 405
    assert not Event.objects.filter(action="record_requested").exists()


def test_e5_agent_finds_the_customer_and_hands_over_the_record(client, centre, account):
    client.force_login(centre["agent1"])
    customer = account["customer"]
    page = client.get(reverse("portal:records"), {"q": customer.phone}).content.decode()
    assert customer.name in page
    assert reverse("portal:customer_record", args=[customer.pk]) in page
    response = client.post(
        reverse("portal:customer_record", args=[customer.pk]), {"format": "json"}
    )
    assert response.status_code == 200
    record = json.loads(response.content)
    assert {t["id"] for t in record["tickets"]} == {
        account["first"].ticket_id,
        account["waiting"].pk,
    }
    event = Event.objects.get(action="record_requested")
    assert event.actor == centre["agent1"]
    assert event.new is not None
    assert event.new["on_behalf"] is True


def test_e5_staff_record_of_an_unknown_customer_is_404(client, centre, account):
    client.force_login(centre["agent1"])
    url = reverse("portal:customer_record", args=[999999])
    assert client.post(url, {"format": "json"}).status_code == 404
    url = reverse("portal:customer_record", args=[account["customer"].pk])
    assert client.post(url, {"format": "exe"}).status_code == 422
    assert not Event.objects.filter(action="record_requested").exists()


@pytest.mark.parametrize("name", ["customer1", "provider1", "pbx"])
def test_e5_staff_record_pages_refuse_other_roles(client, centre, account, name):
    client.force_login(centre[name])
    customer = account["other_customer"]
    assert client.get(reverse("portal:records"), {"q": customer.name}).status_code == 403
    url = reverse("portal:customer_record", args=[customer.pk])
    assert client.post(url, {"format": "json"}).status_code == 403
    assert not Event.objects.filter(action="record_requested").exists()


def test_e5_records_search_with_nothing_typed_lists_nobody(client, centre, account):
    client.force_login(centre["agent1"])
    page = client.get(reverse("portal:records"), {"q": "   "}).content.decode()
    assert account["customer"].name not in page
