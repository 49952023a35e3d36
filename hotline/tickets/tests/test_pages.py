"""Case pages: the agent's new-ticket form and the case list (the ticket page is in
test_pages_ticket.py, the team lead's pages in test_pages_team_lead.py).

Every page as the right role, the wrong role (403), someone else's ticket (404), bad input
(400, nothing changed) and a refusal (409 naming the rule, what was typed kept). The fixtures
and helpers they share are in this folder's conftest."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotline.testing.cases import make_ticket
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.tests.conftest import open_ticket, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "clock")]


# --- the new-ticket form (E4, C2, D11) --------------------------------------------------------


def test_new_ticket_from_the_desk_prefills_the_screen_pop_customer(client, centre, call):
    client.force_login(centre["agent1"])
    response = client.get(reverse("tickets:new"), {"call": call.pk})
    assert response.status_code == 200
    page = text(response)
    assert call.customer.name in page
    assert 'data-testid="call-note"' in page
    assert f'value="{call.customer.phone}"' in page  # contact phone from the call


def test_desk_shows_a_new_ticket_link_on_the_call(client, centre, call):
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("calls:desk_panel")))
    assert f"{reverse('tickets:new')}?call={call.pk}" in page


def test_another_agents_call_cannot_be_linked(client, centre, call):
    client.force_login(centre["agent2"])
    assert client.get(reverse("tickets:new"), {"call": call.pk}).status_code == 404
    assert client.get(reverse("tickets:new"), {"call": "x"}).status_code == 404


def test_new_ticket_finds_the_customer_by_name_or_phone(client, centre, customer):
    client.force_login(centre["agent1"])
    by_name = text(client.get(reverse("tickets:new"), {"q": customer.name[:5]}))
    assert f"?customer={customer.pk}" in by_name
    by_phone = text(client.get(reverse("tickets:new"), {"q": customer.phone[-7:]}))
    assert f"?customer={customer.pk}" in by_phone
    assert "No customer found" in text(client.get(reverse("tickets:new"), {"q": "zzzz"}))


def test_e4_new_ticket_shows_the_categorys_script(client, centre, customer, category):
    client.force_login(centre["agent1"])
    response = client.get(
        reverse("tickets:new"), {"customer": customer.pk, "category": category.pk}
    )
    page = text(response)
    assert 'data-testid="script"' in page
    for step in category.steps:
        assert step in page


def test_e4_a_call_about_an_open_case_skips_the_script_and_links_it(
    client, centre, now, site, category
):
    case = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    page = text(
        client.get(
            reverse("tickets:new"),
            {"customer": site.customer_id, "category": category.pk, "updates": case.pk},
        )
    )
    assert case.number in page
    assert 'data-testid="no-script"' in page
    assert reverse("tickets:detail", args=[case.pk]) in page
    assert 'data-testid="script"' not in page


def test_d11_c2_agent_opens_a_ticket_linked_to_the_call_and_sees_the_promises(
    client, centre, call, site, category
):
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:new"),
        {
            "call": call.pk,
            "customer": site.customer_id,
            "kind": TicketKind.REPAIR,
            "site": site.pk,
            "equipment": site.equipment.first().pk,
            "category": category.pk,
            "step_0": "on",
            "answer_0": "Socket works",
            "symptom": "Does not switch on at all",
            "contact_name": "Maria",
            "contact_phone": "+359 88 123 4567",
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.owner == centre["agent1"]  # D11
    assert ticket.call == call
    assert ticket.script_answers == [
        {"step": category.steps[0], "done": True, "answer": "Socket works"}
    ]
    page = text(client.get(response["Location"]))
    assert 'data-testid="promises"' in page  # C2: shown at once
    assert ticket.response_due is not None


def test_new_ticket_bad_form_is_400_keeps_the_text_and_creates_nothing(client, centre, customer):
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:new"),
        {"customer": customer.pk, "kind": "teleport", "symptom": "Smoke from the back"},
    )
    assert response.status_code == 400
    assert "Smoke from the back" in text(response)
    assert not Ticket.objects.exists()


def test_d10_incident_without_what_happened_is_a_bad_form(client, centre, customer):
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:new"), {"customer": customer.pk, "kind": TicketKind.INCIDENT}
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_e4_a_chase_without_the_case_it_updates_is_refused_409(client, centre, customer):
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:new"),
        {"customer": customer.pk, "kind": TicketKind.CHASE, "symptom": "Where is the technician?"},
    )
    assert response.status_code == 409
    page = text(response)
    assert 'data-rule="E4"' in page
    assert "Where is the technician?" in page  # nothing lost
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("username", ["dispatcher", "manager", "provider1", "customer1"])
def test_new_ticket_is_for_agents_and_team_leads(client, centre, username):
    client.force_login(centre[username])
    assert client.get(reverse("tickets:new")).status_code == 403


# --- the case list ----------------------------------------------------------------------------


def test_my_cases_shows_only_the_agents_own_open_cases(client, centre, now, site):
    mine = open_ticket(centre, now, site)
    theirs = open_ticket(centre, now, site, actor=centre["agent2"])
    solved = make_ticket(centre["agent1"], now, site=site, state=TicketState.SOLVED)
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("tickets:list")))
    assert mine.number in page
    assert theirs.number not in page
    assert solved.number not in page
    assert solved.number in text(client.get(reverse("tickets:list"), {"state": "all"}))


def test_team_lead_sees_every_case_and_filters(client, centre, now, site):
    mine = open_ticket(centre, now, site)
    theirs = open_ticket(centre, now, site, actor=centre["agent2"])
    client.force_login(centre["lead"])
    page = text(client.get(reverse("tickets:list")))
    assert mine.number in page
    assert theirs.number in page
    enquiries = text(client.get(reverse("tickets:list"), {"kind": TicketKind.ENQUIRY}))
    assert mine.number not in enquiries


def test_case_list_bad_filter_is_400(client, centre):
    client.force_login(centre["lead"])
    assert client.get(reverse("tickets:list"), {"state": "lost"}).status_code == 400
    assert client.get(reverse("tickets:list"), {"page": "0"}).status_code == 400


@pytest.mark.parametrize("username", ["provider1", "customer1"])
def test_case_list_is_closed_to_providers_and_customers(client, centre, username):
    client.force_login(centre[username])
    assert client.get(reverse("tickets:list")).status_code == 403


def test_case_list_queries_do_not_grow_with_the_page(client, centre, now, site):
    client.force_login(centre["lead"])
    for n in range(3):
        make_ticket(centre["agent1"], now - timedelta(minutes=n), site=site)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tickets:list"))
    for n in range(3, 60):
        make_ticket(centre["agent1"], now - timedelta(minutes=n), site=site)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("tickets:list"))
    assert len(many) == len(few)
    assert "page=2" in text(response)  # 60 cases: a second page
