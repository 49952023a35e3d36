"""Case pages: the ticket page, as its owner works the case (E3, E2, C1, C4, D1, D2, D8, D11,
A6, B10, E1).

Every page as the right role, the wrong role (403), someone else's ticket (404), bad input
(400, nothing changed) and a refusal (409 naming the rule, what was typed kept). The fixtures
and helpers they share are in this folder's conftest."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.testing.cases import make_ticket
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import Chase, Escalation
from hotline.tickets.services import ticket_create
from hotline.tickets.tests.conftest import open_ticket, post_facts, ready_ticket, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "clock")]


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
    assert "24 November 2026, 08:30" in page
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
    assert ticket.window_start is not None
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
