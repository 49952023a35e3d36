"""Tickets services, rule by rule: ownership (D11, B10), scripts (E4), quality, read-back and
confirmation (E3, E2), and who sees what. Promises and windows are in
test_services_promises.py; special requests, options and enquiries in
test_services_requests.py.

Helpers (demo sites, fixed instants, a ready ticket) are in test_services_support.py."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.notices.models import Notice
from hotline.tickets import selectors, services
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.tests.test_services_support import (
    SYMPTOM,
    complete,
    confirmed,
    home_site,
    new_case,
    other_site,
    refused,
)

pytestmark = pytest.mark.django_db


# --- D11: ownership ----------------------------------------------------------------------------


def test_d11_the_agent_who_takes_the_case_owns_it(centre, now):
    ticket = new_case(centre["agent1"], now)
    assert ticket.owner == centre["agent1"]
    assert ticket.state == TicketState.OPEN
    event = Event.objects.get(entity="tickets.ticket", entity_id=str(ticket.pk), action="created")
    assert event.rule == "D11"
    assert event.actor == centre["agent1"]


def test_b10_another_agent_cannot_work_the_case(centre, now):
    ticket = new_case(centre["agent1"], now)
    refused(
        "B10",
        services.ticket_edit,
        actor=centre["agent2"],
        now=now,
        ticket=ticket,
        symptom="Something else entirely, written by agent2",
    )
    ticket.refresh_from_db()
    assert ticket.symptom == SYMPTOM


def test_b10_only_a_team_lead_reassigns_with_a_reason(centre, now):
    ticket = new_case(centre["agent1"], now)
    refused(
        "B10",
        services.ticket_reassign,
        actor=centre["agent2"],
        now=now,
        ticket=ticket,
        to_agent=centre["agent2"],
        reason="I'll take it",
    )
    refused(
        "B10",
        services.ticket_reassign,
        actor=centre["lead"],
        now=now,
        ticket=ticket,
        to_agent=centre["agent2"],
        reason="  ",
    )
    refused(
        "B10",
        services.ticket_reassign,
        actor=centre["lead"],
        now=now,
        ticket=ticket,
        to_agent=centre["dispatcher"],
        reason="not an agent",
    )
    assert Ticket.objects.get(pk=ticket.pk).owner == centre["agent1"]
    services.ticket_reassign(
        actor=centre["lead"], now=now, ticket=ticket, to_agent=centre["agent2"], reason="sick"
    )
    ticket.refresh_from_db()
    assert ticket.owner == centre["agent2"]
    assert Notice.objects.filter(ticket=ticket, user=centre["agent2"], rule="B10").exists()
    # now agent2 works it, agent1 no longer does
    services.ticket_edit(actor=centre["agent2"], now=now, ticket=ticket, steps_tried="Reset")
    refused(
        "B10", services.ticket_edit, actor=centre["agent1"], now=now, ticket=ticket, symptom="x"
    )


def test_roles_off_the_phones_do_not_take_cases(centre, now):
    site = home_site()
    for name in ("dispatcher", "provider1", "customer1", "manager"):
        with pytest.raises(Ticket.DoesNotExist):
            services.ticket_create(
                actor=centre[name], now=now, customer=site.customer, kind=TicketKind.ENQUIRY
            )
    assert not Ticket.objects.exists()


# --- E4: scripts, or a linked update ----------------------------------------------------------


def test_e4_a_new_problem_gets_the_category_script(centre, now):
    ticket = new_case(centre["agent1"], now, script_answers=[])
    assert ticket.category is not None
    assert selectors.script_for(ticket) == ticket.category.steps
    assert {"script", "steps_tried"} <= {m.code for m in selectors.ticket_quality(ticket)}


def test_e4_a_call_that_updates_an_open_case_skips_the_script_and_links(centre, now):
    first = new_case(centre["agent1"], now)
    assert first in selectors.open_cases_of(first.customer)
    update = new_case(centre["agent2"], now, kind=TicketKind.CHASE, updates=first, site=None)
    assert update.updates == first
    assert update.category is None
    assert selectors.script_for(update) == []
    assert "steps_tried" not in {m.code for m in selectors.ticket_quality(update)}
    assert Event.objects.get(entity_id=str(update.pk), action="created").rule == "E4"


def test_e4_only_an_open_case_of_the_same_customer_can_be_updated(centre, now):
    first = new_case(centre["agent1"], now)
    elsewhere = other_site(first.site)  # type: ignore[arg-type]
    with pytest.raises(Ticket.DoesNotExist):  # another customer's case: not theirs to link
        new_case(centre["agent1"], now, site=elsewhere, updates=first)
    services.ticket_solve(actor=centre["agent1"], now=now, ticket=first, resolution="Fixed")
    refused("E4", new_case, centre["agent1"], now, updates=first)
    refused("E4", new_case, centre["agent1"], now, kind=TicketKind.CHASE)
    assert Ticket.objects.count() == 1


# --- E3 / E2: quality, read-back, confirmation ---------------------------------------------------


def test_e3_read_back_is_refused_until_the_facts_are_there(centre, now):
    ticket = new_case(centre["agent1"], now, symptom="broken")
    refusal = refused(
        "E3", services.ticket_read_back, actor=centre["agent1"], now=now, ticket=ticket
    )
    assert set(refusal.params["codes"]) == {"symptom", "time_window"}
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert ticket.read_back_text == ""


def test_e2_the_summary_is_in_the_customers_language_and_time_zone(centre, now):
    ticket = complete(new_case(centre["agent1"], now), centre["agent1"], now)
    ticket.customer.language = "bg"
    ticket.customer.save()
    ticket = services.ticket_read_back(actor=centre["agent1"], now=now, ticket=ticket)
    text = ticket.read_back_text
    assert ticket.state == TicketState.READ_BACK
    assert ticket.site is not None
    assert ticket.equipment is not None
    for fact in (
        "Maria Ivanova",
        ticket.site.address,
        SYMPTOM,
        "Unplugged",
        ticket.equipment.model,
    ):
        assert fact in text
    assert "ноември" in text.lower()  # Bulgarian month names
    assert "12:00" in text  # the window's 10:00 UTC in Sofia
    assert "Maria Ivanova" in text


def test_e2_confirmation_only_after_read_back_and_an_edit_voids_it(centre, now):
    ticket = complete(new_case(centre["agent1"], now), centre["agent1"], now)
    refused("E2", services.ticket_confirm, actor=centre["agent1"], now=now, ticket=ticket)
    services.ticket_read_back(actor=centre["agent1"], now=now, ticket=ticket)
    services.ticket_edit(
        actor=centre["agent1"], now=now, ticket=ticket, contact_phone="+359 88 999 0000"
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    assert not ticket.read_back_text
    refused("E2", services.ticket_confirm, actor=centre["agent1"], now=now, ticket=ticket)
    services.ticket_read_back(actor=centre["agent1"], now=now, ticket=ticket)
    later = now + timedelta(minutes=3)
    ticket = services.ticket_confirm(actor=centre["agent1"], now=later, ticket=ticket)
    assert ticket.state == TicketState.TO_DISPATCH
    assert ticket.read_back_at == later
    refused("E2", services.ticket_edit, actor=centre["agent1"], now=now, ticket=ticket, symptom="x")


def test_e3_a_dispatcher_bounces_a_ticket_back_to_its_owner_with_a_reason(centre, now):
    ticket = new_case(centre["agent1"], now)
    refused(
        "E3", services.ticket_bounce, actor=centre["dispatcher"], now=now, ticket=ticket, reason="x"
    )
    ticket = confirmed(ticket, centre["agent1"], now)
    refused(
        "E3", services.ticket_bounce, actor=centre["dispatcher"], now=now, ticket=ticket, reason=""
    )
    with pytest.raises(Ticket.DoesNotExist):
        services.ticket_bounce(actor=centre["agent2"], now=now, ticket=ticket, reason="x")
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.TO_DISPATCH
    services.ticket_bounce(
        actor=centre["dispatcher"], now=now, ticket=ticket, reason="Which floor? No serial."
    )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.BOUNCED
    assert ticket.bounce_reason == "Which floor? No serial."
    notice = Notice.objects.get(ticket=ticket, rule="E3")
    assert notice.user == centre["agent1"]
    # the owner rewrites, reads back and confirms again
    services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, steps_tried="Third floor")
    services.ticket_read_back(actor=centre["agent1"], now=now, ticket=ticket)
    ticket = services.ticket_confirm(actor=centre["agent1"], now=now, ticket=ticket)
    assert ticket.state == TicketState.TO_DISPATCH


# --- selectors: who sees what --------------------------------------------------------------------


def test_tickets_are_scoped_by_the_acting_user(centre, now):
    mine = new_case(centre["agent1"], now)
    theirs = new_case(centre["agent2"], now, site=other_site(mine.site))  # type: ignore[arg-type]
    assert list(selectors.tickets_for(centre["agent1"])) == [mine]
    assert set(selectors.tickets_for(centre["lead"])) == {mine, theirs}
    assert set(selectors.tickets_for(centre["dispatcher"])) == {mine, theirs}
    assert not selectors.tickets_for(centre["provider1"]).exists()
    customer = centre["customer1"]
    visible = set(selectors.tickets_for(customer))
    assert all(t.customer_id == customer.customer_id for t in visible)
    other = mine if mine.customer_id != customer.customer_id else theirs
    with pytest.raises(Ticket.DoesNotExist):
        selectors.ticket_for(customer, other.pk)
    with pytest.raises(Ticket.DoesNotExist):
        selectors.ticket_for(centre["provider1"], mine.pk)
