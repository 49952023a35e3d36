"""The portal API: the customer's own cases (C2, C3, C5) and the E5 record; others get 404/403."""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hotline.audit.models import Event

pytestmark = pytest.mark.django_db


def call(client, token, method, path, body=None):  # type: ignore[no-untyped-def]
    return client.generic(
        method,
        f"/api/v1/portal{path}",
        data="" if body is None else json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_c2_c3_c5_my_cases(client, token_for, account):
    token = token_for(account["user"])
    response = call(client, token, "GET", "/cases")
    assert response.status_code == 200
    cases = {c["id"]: c for c in response.json()["cases"]}
    assert set(cases) == {account["first"].ticket_id, account["waiting"].pk}
    first = cases[account["first"].ticket_id]
    assert first["delays"][0]["reason"] == "parts"  # C3
    signed = [o for o in first["work_orders"] if o["signed_at"]]
    assert signed[0]["service_report"].endswith(f"/orders/{account['first'].pk}/report.pdf")
    assert any(o["second_dispatch_of_id"] == account["first"].pk for o in first["work_orders"])


def test_portal_case_of_another_customer_is_404(client, token_for, account):
    token = token_for(account["user"])
    other = account["other_order"].ticket_id
    assert call(client, token, "GET", f"/cases/{other}").status_code == 404
    mine = account["first"].ticket_id
    assert call(client, token, "GET", f"/cases/{mine}").json()["number"].startswith("T-")


@pytest.mark.parametrize("name", ["agent1", "dispatcher", "provider1", "admin"])
def test_portal_api_refuses_other_roles(client, centre, token_for, account, name):
    token = token_for(centre[name])
    assert call(client, token, "GET", "/cases").status_code == 403
    assert call(client, token, "POST", "/record", {"format": "json"}).status_code == 403


def test_e5_record_by_api_is_the_customers_own(client, token_for, account):
    response = call(client, token_for(account["user"]), "POST", "/record", {"format": "json"})
    assert response.status_code == 200
    record = response.json()
    assert record["customer"][0]["id"] == account["customer"].pk
    assert account["other_order"].pk not in {o["id"] for o in record["work_orders"]}
    assert Event.objects.filter(action="record_requested").count() == 1


def test_e5_bad_format_by_api_is_refused(client, token_for, account):
    response = call(client, token_for(account["user"]), "POST", "/record", {"format": "xls"})
    assert response.status_code == 422  # not one of the formats the OpenAPI lists
    assert not Event.objects.filter(action="record_requested").exists()
    response = call(client, token_for(account["user"]), "POST", "/record", {"format": 3})
    assert response.status_code == 422


def test_e5_staff_asks_on_the_customers_behalf(client, centre, token_for, account):
    customer = account["customer"]
    token = token_for(centre["dispatcher"])
    response = call(client, token, "POST", f"/customers/{customer.pk}/record", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert call(
        client, token, "POST", "/customers/999999/record", {"format": "csv"}
    ).status_code == (404)


@pytest.mark.parametrize("name", ["customer1", "provider1", "pbx"])
def test_e5_staff_record_api_refuses_other_roles(client, centre, token_for, account, name):
    customer = account["other_customer"]
    token = token_for(centre[name])
    response = call(client, token, "POST", f"/customers/{customer.pk}/record", {"format": "json"})
    assert response.status_code == 403
    assert not Event.objects.filter(action="record_requested").exists()


@pytest.mark.parametrize("body", ["[null, null]", '"pdf"', "5", "null"])
def test_e5_record_body_that_is_not_a_json_object_is_refused(client, token_for, account, body):
    """ninja read `format` off any JSON value: `[null, null]` exported the record as JSON, and
    the string "pdf" as a PDF (str.format). The body must be the object the schema shows."""
    response = client.post(
        "/api/v1/portal/record",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(account['user'])}",
    )
    assert response.status_code == 400
    with translation.override(account["user"].language):  # the customer's, Bulgarian
        assert response.json() == {"detail": gettext("The request body is not a JSON object.")}
    assert response["Content-Language"] == account["user"].language
    assert not Event.objects.filter(action="record_requested").exists()
