"""Tickets over HTTP: 201 / 200, refusals 409 naming the rule, bad input 422, wrong role 403,
another's ticket 404 (no leak)."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline.audit.models import Event
from hotline.tickets.choices import ComplaintState, TicketKind, TicketState
from hotline.tickets.models import Complaint, Ticket
from hotline.tickets.tests.test_services_support import (
    SYMPTOM,
    confirmed,
    first_category,
    home_site,
    new_case,
    other_site,
    walked,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


@pytest.fixture
def api(client, centre, token_for):
    tokens: dict[str, str] = {}

    def call(username, method, path, body=None):  # type: ignore[no-untyped-def]
        if username not in tokens:
            tokens[username] = token_for(centre[username])
        return client.generic(
            method.upper(),
            f"/api/v1/tickets{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[username]}",
        )

    return call


def repair_body(site=None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    site = site or home_site()
    category = first_category()
    return {
        "customer_id": site.customer_id,
        "kind": "repair",
        "site_id": site.pk,
        "equipment_id": site.equipment.first().pk,
        "category_id": category.pk,
        "script_answers": walked(category),
        "symptom": SYMPTOM,
        "contact_name": "Maria Ivanova",
        "contact_phone": "+359 88 123 4567",
    }


def test_create_is_201_with_promises_and_owner(api, now):
    response = api("agent1", "post", "", repair_body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] == "agent1"
    assert data["state"] == "open"
    assert data["response_due"].startswith("2026-11-24T08:00")
    assert data["script"]  # E4: the category's scripted steps
    ticket = Ticket.objects.get(pk=data["id"])
    assert ticket.work_order_due == now + timedelta(minutes=10)


def test_create_bad_input_is_422_and_creates_nothing(api):
    body = repair_body() | {"kind": "teleport"}
    assert api("agent1", "post", "", body).status_code == 422
    site = home_site()
    body = repair_body() | {"site_id": other_site(site).pk}
    assert api("agent1", "post", "", body).status_code == 422
    assert api("agent1", "post", "", {"kind": "repair"}).status_code == 422  # no customer
    assert api("agent1", "post", "", repair_body() | {"customer_id": 999999}).status_code == 404
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("username", ["dispatcher", "provider1", "customer1", "manager"])
def test_create_is_403_for_roles_off_the_phones(api, username):
    response = api(username, "post", "", repair_body())
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_read_back_missing_facts_is_409_e3(api):
    created = api("agent1", "post", "", repair_body() | {"symptom": "broken"}).json()
    response = api("agent1", "post", f"/{created['id']}/read-back")
    assert response.status_code == 409
    assert response.json()["rule"] == "E3"
    assert Ticket.objects.get(pk=created["id"]).state == TicketState.OPEN


def test_the_whole_call_edit_window_options_read_back_confirm(api, now):
    ticket_id = api("agent1", "post", "", repair_body()).json()["id"]
    response = api("agent1", "patch", f"/{ticket_id}", {"steps_tried": "Unplugged it"})
    assert response.status_code == 200
    assert response.json()["steps_tried"] == "Unplugged it"
    assert api("agent1", "patch", f"/{ticket_id}", {"owner": "agent2"}).status_code == 200
    assert Ticket.objects.get(pk=ticket_id).owner.username == "agent1"  # unknown keys ignored
    start = (now + timedelta(hours=2)).isoformat()
    end = (now + timedelta(hours=4)).isoformat()
    window = api("agent1", "post", f"/{ticket_id}/window", {"start": end, "end": start})
    assert window.status_code == 409
    assert window.json()["rule"] == "C1"
    window = api("agent1", "post", f"/{ticket_id}/window", {"start": start, "end": end})
    assert window.status_code == 200
    options = api(
        "agent1", "post", f"/{ticket_id}/options", {"offered": ["repair"], "chosen": "refund"}
    )
    assert options.status_code == 409
    assert options.json()["rule"] == "C4"
    body = {"offered": ["repair", "replace"], "chosen": "repair"}
    assert api("agent1", "post", f"/{ticket_id}/options", body).status_code == 200
    quality = api("agent1", "get", f"/{ticket_id}/quality").json()
    assert quality == {"ready": True, "missing": [], "script": quality["script"]}
    assert api("agent1", "post", f"/{ticket_id}/confirm").json()["rule"] == "E2"
    read = api("agent1", "post", f"/{ticket_id}/read-back")
    assert read.status_code == 200
    assert "Maria Ivanova" in read.json()["read_back_text"]
    done = api("agent1", "post", f"/{ticket_id}/confirm").json()
    assert done["state"] == "to_dispatch"
    assert done["read_back_at"] is not None


def test_another_agents_ticket_is_404_and_a_customer_sees_only_its_own(api, centre, now):
    mine = new_case(centre["agent1"], now)
    customer = centre["customer1"]
    theirs_site = home_site()
    if theirs_site.customer_id == customer.customer_id:
        theirs_site = other_site(theirs_site)
    theirs = new_case(centre["agent1"], now, site=theirs_site)
    assert api("agent2", "get", f"/{mine.pk}").status_code == 404
    assert api("agent2", "patch", f"/{mine.pk}", {"symptom": "hijacked!"}).status_code == 404
    assert Ticket.objects.get(pk=mine.pk).symptom == SYMPTOM
    assert api("customer1", "get", f"/{theirs.pk}").status_code == 404
    listed = api("customer1", "get", "").json()["tickets"]
    assert all(row["customer_id"] == customer.customer_id for row in listed)
    assert theirs.pk not in {row["id"] for row in listed}
    assert api("agent1", "get", f"/{mine.pk}").status_code == 200
    assert api("lead", "get", f"/{mine.pk}").status_code == 200


def test_a_provider_sees_no_tickets(api, centre, now):
    ticket = new_case(centre["agent1"], now)
    assert api("provider1", "get", "").status_code == 403
    assert api("provider1", "get", f"/{ticket.pk}").status_code == 403
    assert api("pbx", "get", f"/{ticket.pk}").status_code == 403


def test_list_is_paginated_and_filtered(api, centre, now):
    for minute in range(3):
        new_case(centre["agent1"], now + timedelta(minutes=minute))
    enquiry = new_case(centre["agent1"], now, kind=TicketKind.ENQUIRY)
    page = api("lead", "get", "?kind=repair").json()
    assert page["page"] == 1
    assert page["has_next"] is False
    assert [row["kind"] for row in page["tickets"]] == ["repair"] * 3
    assert page["tickets"][0]["created_at"] > page["tickets"][-1]["created_at"]
    assert api("lead", "get", "?kind=enquiry").json()["tickets"][0]["id"] == enquiry.pk


def test_bounce_is_for_dispatchers_409_when_not_waiting(api, centre, now):
    ticket = new_case(centre["agent1"], now)
    assert api("agent1", "post", f"/{ticket.pk}/bounce", {"reason": "x"}).status_code == 403
    refused = api("dispatcher", "post", f"/{ticket.pk}/bounce", {"reason": "No serial"})
    assert refused.status_code == 409
    assert refused.json()["rule"] == "E3"
    confirmed(ticket, centre["agent1"], now)
    assert api("dispatcher", "post", f"/{ticket.pk}/bounce", {"reason": " "}).status_code == 409
    bounced = api("dispatcher", "post", f"/{ticket.pk}/bounce", {"reason": "No serial"})
    assert bounced.status_code == 200
    assert bounced.json()["state"] == "bounced"
    assert bounced.json()["bounce_reason"] == "No serial"


def test_reassign_is_for_team_leads(api, centre, now):
    ticket = new_case(centre["agent1"], now)
    body = {"to_agent": "agent2", "reason": "Shift ended"}
    assert api("agent1", "post", f"/{ticket.pk}/reassign", body).status_code == 403
    bad = api("lead", "post", f"/{ticket.pk}/reassign", body | {"to_agent": "provider1"})
    assert bad.status_code == 404
    response = api("lead", "post", f"/{ticket.pk}/reassign", body)
    assert response.status_code == 200
    assert response.json()["owner"] == "agent2"
    assert Event.objects.get(entity_id=str(ticket.pk), action="reassigned").rule == "B10"


def test_solve_callback_and_escalate(api, centre, now):
    site = home_site()
    enquiry = api(
        "agent1",
        "post",
        "",
        {"customer_id": site.customer_id, "kind": "enquiry", "symptom": "Warranty?"},
    ).json()
    response = api("agent1", "post", f"/{enquiry['id']}/callback")
    assert response.status_code == 200
    assert response.json()["state"] == "callback_due"
    assert api("agent1", "post", f"/{enquiry['id']}/solve", {"resolution": ""}).status_code == 409
    solved = api("agent1", "post", f"/{enquiry['id']}/solve", {"resolution": "Two years"})
    assert solved.json()["state"] == "solved"
    repair = new_case(centre["agent1"], now)
    escalated = api("agent1", "post", f"/{repair.pk}/escalate", {"reason": "Angry"})
    assert escalated.status_code == 409
    assert escalated.json()["rule"] == "E2"
    escalated = api("lead", "post", f"/{repair.pk}/escalate", {"reason": "Angry"})
    assert escalated.status_code == 200
    assert escalated.json()["level"] == 1


def test_complaint_and_incident_flows(api, centre, now):
    site = home_site()
    body = {"customer_id": site.customer_id, "site_id": site.pk, "symptom": "Rude technician!!"}
    complaint = api("agent1", "post", "", body | {"kind": "complaint"}).json()
    assert complaint["complaint"]["state"] == "recorded"
    cid = complaint["id"]
    assert api("agent1", "post", f"/{cid}/complaint/escalate", {"reason": "x"}).status_code == 409
    api("agent1", "post", f"/{cid}/read-back")
    api("agent1", "post", f"/{cid}/confirm")
    assert api("agent1", "post", f"/{cid}/complaint/escalate", {"reason": "x"}).status_code == 200
    assert api("agent1", "post", f"/{cid}/complaint/engineer").status_code == 403
    handed = api("lead", "post", f"/{cid}/complaint/engineer").json()
    assert handed["complaint"]["engineer"] == "manager"
    assert api("lead", "post", f"/{cid}/complaint/answer", {"outcome": "x"}).status_code == 409
    answered = api("manager", "post", f"/{cid}/complaint/answer", {"outcome": "Refund"})
    assert answered.json()["complaint"]["state"] == "answered"
    assert Complaint.objects.get(ticket_id=cid).state == ComplaintState.ANSWERED

    incident = api("agent1", "post", "", body | {"kind": "incident"})
    assert incident.status_code == 409
    assert incident.json()["rule"] == "D10"
    iid = api("agent1", "post", "", body | {"kind": "incident", "incident_kind": "injury"}).json()[
        "id"
    ]
    assert api("lead", "post", f"/{iid}/incident/decide", {"decision": "x"}).status_code == 403
    assert api("lead", "post", f"/{iid}/incident/report", {"report": "x"}).status_code == 409
    assert api("manager", "post", f"/{iid}/incident/decide", {"decision": "Pay"}).status_code == 200
    report = api("lead", "post", f"/{iid}/incident/report", {"report": "Paid"})
    assert report.json()["incident"]["state"] == "closed"


def test_approve_special_is_for_team_leads(api, centre, now):
    ticket = new_case(centre["agent1"], now)
    ticket.special_request = "Saturday please"
    ticket.save()
    ticket = confirmed(ticket, centre["agent1"], now)
    assert ticket.state == TicketState.AWAITING_APPROVAL
    body = {"approved": True}
    assert api("agent1", "post", f"/{ticket.pk}/approve", body).status_code == 403
    no_reason = api("lead", "post", f"/{ticket.pk}/approve", {"approved": False})
    assert no_reason.status_code == 409
    assert no_reason.json()["rule"] == "D1"
    assert api("lead", "post", f"/{ticket.pk}/approve", body).json()["state"] == "to_dispatch"


def test_list_query_count_is_constant_in_the_page_size(api, centre, now):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api("lead", "get", "").status_code == 200
        return len(captured)

    new_case(centre["agent1"], now)
    api("lead", "get", "")  # the token's first use is written once
    one = queries()
    for minute in range(1, 6):
        new_case(centre["agent1"], now + timedelta(minutes=minute), kind=TicketKind.ENQUIRY)
    assert queries() == one


def test_e4_create_takes_the_scripted_steps_and_links_only_the_agents_own_call(api, centre, now):
    from hotline.calls.choices import CallState
    from hotline.calls.models import Call, Queue

    site = home_site()
    call = Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number=site.customer.phone,
        customer=site.customer,
        state=CallState.CONNECTED,
        arrived_at=now - timedelta(minutes=2),
        agent=centre["agent2"],
        answered_at=now - timedelta(minutes=1),
    )
    first_step = first_category().steps[0]
    steps = [{"step": first_step, "answer": "lamp works"}, {"step": "Not in the script"}]
    body = {**repair_body(site), "call_id": call.pk, "script_answers": steps}
    assert api("agent1", "post", "", body).status_code == 404  # agent2's call
    assert not Ticket.objects.exists()
    created = api("agent2", "post", "", body)
    assert created.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.call == call
    # E4: kept in the script's shape; a step the script does not have is not kept
    assert ticket.script_answers == [{"step": first_step, "done": False, "answer": "lamp works"}]
