"""Case pages: the agent's form and ticket page, the case list, the team lead's pages.

Every page as the right role, the wrong role (403), someone else's ticket (404), bad input
(400, nothing changed) and a refusal (409 naming the rule, what was typed kept)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotline.calls.choices import CallState
from hotline.calls.models import Call, Queue
from hotline.directory.models import Customer, Region
from hotline.dispatch.tests.conftest import make_ticket, sofia_site
from hotline.tickets.choices import ComplaintState, IncidentState, TicketKind, TicketState
from hotline.tickets.models import Chase, Escalation, FaultCategory, Ticket
from hotline.tickets.services import (
    complaint_escalate,
    ticket_confirm,
    ticket_create,
    ticket_read_back,
)
from hotline.tickets.tests.test_services_support import walked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


@pytest.fixture
def site():
    return sofia_site()


@pytest.fixture
def customer(site) -> Customer:
    return site.customer


@pytest.fixture
def category() -> FaultCategory:
    return FaultCategory.objects.get(code="no-power")


@pytest.fixture
def call(centre, now, customer) -> Call:
    return Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number=customer.phone,
        customer=customer,
        state=CallState.CONNECTED,
        arrived_at=now - timedelta(minutes=2),
        agent=centre["agent1"],
        answered_at=now - timedelta(minutes=1),
    )


def open_ticket(centre, now, site, **extra) -> Ticket:
    """A repair as the agent opens it: customer, site, equipment and category, its script
    walked through (E4), nothing else."""
    extra.setdefault("script_answers", walked(FaultCategory.objects.get(code="no-power")))
    return ticket_create(
        actor=extra.pop("actor", centre["agent1"]),
        now=now,
        customer=site.customer,
        kind=extra.pop("kind", TicketKind.REPAIR),
        site=site,
        equipment=site.equipment.first(),
        category=FaultCategory.objects.get(code="no-power"),
        **extra,
    )


def post_facts(client, ticket, action="edit", **facts):
    data = {
        "action": action,
        "symptom": ticket.symptom,
        "steps_tried": ticket.steps_tried,
        "contact_name": ticket.contact_name,
        "contact_phone": ticket.contact_phone,
        "site": ticket.site_id or "",
        "equipment": ticket.equipment_id or "",
        "category": ticket.category_id or "",
        "special_request": ticket.special_request,
        **_ticks(ticket),
        **facts,
    }
    return client.post(reverse("tickets:act", args=[ticket.pk]), data)


def _ticks(ticket: Ticket) -> dict[str, str]:
    """E4: the page's script ticks as the ticket's answers are (an unticked step is undone)."""
    done = {a["step"] for a in ticket.script_answers if a.get("done")}
    steps = ticket.category.steps if ticket.category and not ticket.updates_id else []
    return {f"step_{n}": "on" for n, step in enumerate(steps) if step in done}


def ready_ticket(client, centre, now, site, **extra) -> Ticket:
    """A repair with every fact a technician needs (E3) and a visit window (A5 / C1)."""
    ticket = open_ticket(centre, now, site, **extra)
    client.force_login(centre["agent1"])
    response = post_facts(
        client,
        ticket,
        symptom="Does not switch on, no light on the display",
        steps_tried="Tried another socket",
    )
    assert response.status_code == 302
    response = client.post(
        reverse("tickets:act", args=[ticket.pk]),
        {"action": "window", "start": "2026-11-23T13:00", "end": "2026-11-23T15:00"},
    )
    assert response.status_code == 302, response.content.decode()
    ticket.refresh_from_db()
    return ticket


def text(response) -> str:
    return response.content.decode()


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


# --- the ticket page --------------------------------------------------------------------------


def test_ticket_page_as_owner_shows_facts_hints_and_history(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    page = text(response)
    assert 'id="facts-form"' in page
    assert 'data-code="symptom"' in page  # E3 hint
    assert 'data-code="time_window"' in page
    assert 'data-action="created"' in page  # the event history


def test_another_agents_ticket_is_404(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent2"])
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404
    response = post_facts(client, ticket, symptom="Taken over")
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.symptom == ""


@pytest.mark.parametrize("username", ["provider1", "customer1", "pbx"])
def test_ticket_page_is_closed_to_roles_off_the_staff(client, centre, now, site, username):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre[username])
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 403


def test_dispatcher_reads_the_ticket_without_the_owners_forms(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["dispatcher"])
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert 'id="facts-form"' not in text(response)
    assert post_facts(client, ticket).status_code == 403


def test_e3_hints_follow_what_the_agent_types(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    url = reverse("tickets:hints", args=[ticket.pk])
    before = text(client.post(url, {"symptom": "", "steps_tried": ""}))
    assert 'data-code="symptom"' in before
    after = text(
        client.post(
            url,
            {"symptom": "No light, no sound when switched on", "steps_tried": "Another socket"},
        )
    )
    assert 'data-code="symptom"' not in after
    assert 'data-code="steps_tried"' not in after
    assert 'data-code="time_window"' in after
    ticket.refresh_from_db()
    assert ticket.symptom == ""  # hints never save


def test_e3_saving_the_facts_updates_the_ticket_and_its_hints(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = post_facts(client, ticket, symptom="No light, no sound when switched on")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.symptom == "No light, no sound when switched on"
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert 'data-code="symptom"' not in page


def test_facts_bad_form_is_400_and_changes_nothing(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = post_facts(client, ticket, symptom="Typed text stays", site="999999")
    assert response.status_code == 400
    assert "Typed text stays" in text(response)
    ticket.refresh_from_db()
    assert ticket.symptom == ""


def test_e3_read_back_of_an_incomplete_ticket_is_refused_409(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = post_facts(client, ticket, action="read_back")
    assert response.status_code == 409
    page = text(response)
    assert 'data-rule="E3"' in page
    assert "Describe the symptom" in page
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert ticket.read_back_text == ""


def test_e3_read_back_saves_what_was_typed_even_when_refused(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = post_facts(client, ticket, action="read_back", symptom="Loud bang when started")
    assert response.status_code == 409
    page = text(response)
    assert 'data-rule="E3"' in page
    assert "Loud bang when started" in page
    assert 'data-code="time_window"' in page
    ticket.refresh_from_db()
    assert ticket.symptom == "Loud bang when started"  # nothing lost
    assert ticket.state == TicketState.OPEN


def test_c1_window_ending_before_it_starts_is_refused_and_kept(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:act", args=[ticket.pk]),
        {"action": "window", "start": "2026-11-23T15:00", "end": "2026-11-23T13:00"},
    )
    assert response.status_code == 409
    page = text(response)
    assert 'data-rule="C1"' in page
    assert 'value="2026-11-23T15:00"' in page  # what was typed is kept
    ticket.refresh_from_db()
    assert ticket.window_start is None


def test_d1_window_before_the_earliest_booking_is_refused(client, centre, now, site, monkeypatch):
    evening = now + timedelta(hours=6, minutes=30)  # 16:30 in Sofia: booked for tomorrow
    monkeypatch.setattr("hotline.clock.now", lambda: evening)
    ticket = open_ticket(centre, evening, site)
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:act", args=[ticket.pk]),
        {"action": "window", "start": "2026-11-23T17:00", "end": "2026-11-23T17:30"},
    )
    assert response.status_code == 409
    page = text(response)
    assert 'data-rule="D1"' in page
    # D1's refusal reads in the centre's time zone and the reader's format, not raw UTC
    assert "Nov. 24, 2026 8:30 a.m." in page
    assert "06:30:00" not in page


def test_window_that_is_not_a_time_is_400(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:act", args=[ticket.pk]),
        {"action": "window", "start": "tomorrow", "end": ""},
    )
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.window_start is None


def test_window_is_read_in_the_centres_time_zone(client, centre, now, site):
    ticket = ready_ticket(client, centre, now, site)
    assert ticket.window_start.isoformat() == "2026-11-23T11:00:00+00:00"  # 13:00 in Sofia


def test_c4_options_and_the_customers_choice(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    url = reverse("tickets:act", args=[ticket.pk])
    response = client.post(
        url, {"action": "options", "offered": ["repair", "replace"], "chosen": "replace"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.option_chosen == "replace"
    refused = client.post(url, {"action": "options", "offered": ["repair"], "chosen": "refund"})
    assert refused.status_code == 409
    assert 'data-rule="C4"' in text(refused)


def test_e2_read_back_then_confirmation_sends_the_ticket_to_dispatch(client, centre, now, site):
    ticket = ready_ticket(client, centre, now, site)
    response = post_facts(client, ticket, action="read_back")
    assert response.status_code == 302
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert 'data-testid="read-back"' in page
    ticket.refresh_from_db()
    assert ticket.read_back_text
    assert ticket.read_back_text.split()[0] in page
    response = client.post(reverse("tickets:act", args=[ticket.pk]), {"action": "confirm"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH
    assert ticket.read_back_at is not None


def test_e2_confirming_before_the_read_back_is_refused(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.post(reverse("tickets:act", args=[ticket.pk]), {"action": "confirm"})
    assert response.status_code == 409
    assert 'data-rule="E2"' in text(response)
    ticket.refresh_from_db()
    assert ticket.read_back_at is None


def test_unknown_action_is_400(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.post(reverse("tickets:act", args=[ticket.pk]), {"action": "chase"})
    assert response.status_code == 400


def test_e3_bounced_ticket_shows_the_dispatchers_reason(client, centre, now, site):
    ticket = make_ticket(
        centre["agent1"], now, site=site, state=TicketState.BOUNCED, bounce_reason="No serial"
    )
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert 'data-testid="bounce"' in page
    assert "No serial" in page


def test_d2_solved_on_the_phone(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    url = reverse("tickets:act", args=[ticket.pk])
    empty = client.post(url, {"action": "solve", "solve-resolution": ""})
    assert empty.status_code == 400
    response = client.post(url, {"action": "solve", "solve-resolution": "Reset the breaker"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SOLVED
    assert ticket.resolution == "Reset the breaker"


def test_d11_enquiry_gets_a_callback_promise(client, centre, now, customer):
    ticket = ticket_create(
        actor=centre["agent1"],
        now=now,
        customer=customer,
        kind=TicketKind.ENQUIRY,
        symptom="Is the model X covered abroad?",
    )
    client.force_login(centre["agent1"])
    response = client.post(reverse("tickets:act", args=[ticket.pk]), {"action": "callback"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CALLBACK_DUE
    assert ticket.callback_due == now + timedelta(minutes=30)


def test_d11_callback_for_a_repair_is_refused(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.post(reverse("tickets:act", args=[ticket.pk]), {"action": "callback"})
    assert response.status_code == 409
    assert 'data-rule="D11"' in text(response)


def test_a6_escalating_by_hand_needs_a_reason(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["lead"])
    url = reverse("tickets:act", args=[ticket.pk])
    assert client.post(url, {"action": "escalate", "escalate-reason": ""}).status_code == 400
    assert not Escalation.objects.exists()
    response = client.post(url, {"action": "escalate", "escalate-reason": "Customer is a VIP"})
    assert response.status_code == 302
    assert Escalation.objects.get().reason == "Customer is a VIP"


def test_d8_chase_is_recorded_with_a_promised_reply(client, centre, now, site):
    ticket = make_ticket(centre["agent1"], now, site=site)
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert 'id="chase"' in page
    response = client.post(
        reverse("tickets:chase", args=[ticket.pk]), {"chase-note": "Asked twice today"}
    )
    assert response.status_code == 302
    chase = Chase.objects.get()
    assert chase.note == "Asked twice today"
    assert chase.reply_promised_by > now


def test_b10_team_lead_gives_the_case_to_another_agent(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["lead"])
    url = reverse("tickets:reassign", args=[ticket.pk])
    no_reason = client.post(url, {"reassign-to_agent": centre["agent2"].pk})
    assert no_reason.status_code == 400
    response = client.post(
        url, {"reassign-to_agent": centre["agent2"].pk, "reassign-reason": "agent1 is off sick"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.owner == centre["agent2"]


def test_b10_an_agent_cannot_reassign(client, centre, now, site):
    ticket = open_ticket(centre, now, site)
    client.force_login(centre["agent1"])
    response = client.post(
        reverse("tickets:reassign", args=[ticket.pk]),
        {"reassign-to_agent": centre["agent2"].pk, "reassign-reason": "mine to give"},
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.owner == centre["agent1"]


def test_e1_linked_work_orders_are_shown(client, centre, now, site):
    from hotline.dispatch.services import work_order_dispatch

    ticket = make_ticket(centre["agent1"], now, site=site)
    order = work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)
    client.force_login(centre["agent1"])
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert reverse("dispatch:order", args=[order.pk]) in page


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
