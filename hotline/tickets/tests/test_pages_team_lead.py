"""Case pages: the team lead's pages (D1 special requests, D9 complaints, D10 incidents).

Every page as the right role, the wrong role (403), someone else's ticket (404), bad input
(400, nothing changed) and a refusal (409 naming the rule, what was typed kept). The fixtures
and helpers they share are in this folder's conftest."""

import pytest
from django.urls import reverse

from hotline.directory.models import Region
from hotline.tickets.choices import ComplaintState, IncidentState, TicketKind, TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.services import (
    complaint_escalate,
    ticket_confirm,
    ticket_create,
    ticket_read_back,
)
from hotline.tickets.tests.conftest import post_facts, ready_ticket, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "clock")]


# --- team lead pages: D1, D9, D10 -------------------------------------------------------------


def awaiting_approval(client, centre, now, site) -> Ticket:
    ticket = ready_ticket(client, centre, now, site)
    post_facts(client, ticket, special_request="Visit before 9:00, the shop opens at 9")
    ticket.refresh_from_db()
    ticket_read_back(actor=centre["agent1"], now=now, ticket=ticket)
    return ticket_confirm(actor=centre["agent1"], now=now, ticket=ticket)


def test_d1_team_lead_approves_a_special_request(client, centre, now, site):
    ticket = awaiting_approval(client, centre, now, site)
    assert ticket.state == TicketState.AWAITING_APPROVAL
    client.force_login(centre["lead"])
    page = text(client.get(reverse("tickets:approvals")))
    assert "the shop opens at 9" in page
    response = client.post(
        reverse("tickets:approve", args=[ticket.pk]), {f"a{ticket.pk}-approved": "1"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH
    assert ticket.special_approved_by == centre["lead"]


def test_d1_refusing_a_special_request_without_a_reason_is_refused(client, centre, now, site):
    ticket = awaiting_approval(client, centre, now, site)
    client.force_login(centre["lead"])
    response = client.post(
        reverse("tickets:approve", args=[ticket.pk]), {f"a{ticket.pk}-approved": "0"}
    )
    assert response.status_code == 409
    assert 'data-rule="D1"' in text(response)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.AWAITING_APPROVAL
    bad = client.post(
        reverse("tickets:approve", args=[ticket.pk]), {f"a{ticket.pk}-approved": "maybe"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("name", ["tickets:approvals", "tickets:complaints", "tickets:incidents"])
def test_team_lead_pages_are_closed_to_agents(client, centre, name):
    client.force_login(centre["agent1"])
    assert client.get(reverse(name)).status_code == 403


def escalated_complaint(centre, now, site) -> Ticket:
    ticket = ticket_create(
        actor=centre["agent1"],
        now=now,
        customer=site.customer,
        kind=TicketKind.COMPLAINT,
        site=site,
        symptom="The technician was rude and left a mess",
    )
    ticket_read_back(actor=centre["agent1"], now=now, ticket=ticket)
    ticket_confirm(actor=centre["agent1"], now=now, ticket=ticket)
    complaint_escalate(actor=centre["agent1"], now=now, ticket=ticket, reason="Wants a manager")
    return ticket


def test_d9_complaint_settled_on_the_call(client, centre, now, site):
    ticket = ticket_create(
        actor=centre["agent1"],
        now=now,
        customer=site.customer,
        kind=TicketKind.COMPLAINT,
        symptom="Waited two days",
    )
    client.force_login(centre["agent1"])
    url = reverse("tickets:act", args=[ticket.pk])
    assert client.post(url, {"action": "settle", "settle-outcome": ""}).status_code == 400
    response = client.post(url, {"action": "settle", "settle-outcome": "Apologised; voucher"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.complaint.state == ComplaintState.SETTLED


def test_d9_complaint_goes_to_the_lead_then_the_engineer_who_answers(client, centre, now, site):
    ticket = escalated_complaint(centre, now, site)
    client.force_login(centre["lead"])
    assert ticket.number in text(client.get(reverse("tickets:complaints")))
    response = client.post(reverse("tickets:complaint_hand", args=[ticket.pk]))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.complaint.state == ComplaintState.WITH_ENGINEER
    engineer = Region.objects.get(pk=site.region_id).engineer
    client.force_login(engineer)
    page = text(client.get(reverse("tickets:complaints")))
    assert f"c{ticket.pk}-outcome" in page
    url = reverse("tickets:complaint_answer", args=[ticket.pk])
    assert client.post(url, {f"c{ticket.pk}-outcome": ""}).status_code == 400
    response = client.post(url, {f"c{ticket.pk}-outcome": "Technician replaced; refund"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.complaint.state == ComplaintState.ANSWERED


def test_d9_handing_twice_is_refused_409(client, centre, now, site):
    ticket = escalated_complaint(centre, now, site)
    client.force_login(centre["lead"])
    client.post(reverse("tickets:complaint_hand", args=[ticket.pk]))
    response = client.post(reverse("tickets:complaint_hand", args=[ticket.pk]))
    assert response.status_code == 409
    assert 'data-rule="D9"' in text(response)


def test_d10_manager_decides_and_team_lead_files_the_report(client, centre, now, site):
    ticket = ticket_create(
        actor=centre["agent1"],
        now=now,
        customer=site.customer,
        kind=TicketKind.INCIDENT,
        incident_kind="property_damage",
        site=site,
        symptom="Water from the machine flooded the flat below",
    )
    client.force_login(centre["manager"])
    assert ticket.number in text(client.get(reverse("tickets:incidents")))
    url = reverse("tickets:incident_decide", args=[ticket.pk])
    assert client.post(url, {f"d{ticket.pk}-decision": ""}).status_code == 400
    response = client.post(url, {f"d{ticket.pk}-decision": "Pay for the repair of the ceiling"})
    assert response.status_code == 302
    client.force_login(centre["lead"])
    assert client.post(url, {f"d{ticket.pk}-decision": "No"}).status_code == 403
    response = client.post(
        reverse("tickets:incident_report", args=[ticket.pk]),
        {f"r{ticket.pk}-report": "Visited, ceiling repaired, customer satisfied."},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.incident.state == IncidentState.CLOSED
