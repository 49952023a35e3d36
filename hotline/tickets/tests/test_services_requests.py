"""Tickets services: special requests (D1), options (C4) and enquiries called back (D11, B7).

Helpers (demo sites, fixed instants, a ready ticket) are in test_services_support.py."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadlines_fire_due
from hotline.notices.models import Notice
from hotline.testing.times import sofia
from hotline.tickets import selectors, services
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.tests.test_services_support import (
    complete,
    confirmed,
    home_site,
    new_case,
    refused,
)

pytestmark = pytest.mark.django_db


# --- D1: special requests ------------------------------------------------------------------------


def test_d1_a_special_request_waits_for_the_team_lead(centre):
    created = sofia(2026, 11, 23, 16, 30)
    agent, lead = centre["agent1"], centre["lead"]
    ticket = new_case(agent, created)
    ticket = services.ticket_edit(
        actor=agent, now=created, ticket=ticket, special_request="Tonight at 18:00, baby at home"
    )
    # with a special request the window may be earlier than the D1 booking
    ticket = complete(ticket, agent, created, hours=0)
    services.ticket_set_window(
        actor=agent,
        now=created,
        ticket=ticket,
        start=sofia(2026, 11, 23, 18, 0),
        end=sofia(2026, 11, 23, 19, 0),
    )
    services.ticket_read_back(actor=agent, now=created, ticket=ticket)
    ticket = services.ticket_confirm(actor=agent, now=created, ticket=ticket)
    assert ticket.state == TicketState.AWAITING_APPROVAL
    assert ticket in selectors.approvals_for(lead)
    assert Notice.objects.filter(ticket=ticket, rule="D1", user=lead).exists()
    refused(
        "D1",
        services.ticket_approve_special,
        actor=agent,
        now=created,
        ticket=ticket,
        approved=True,
        reason="",
    )
    refused(
        "D1",
        services.ticket_approve_special,
        actor=lead,
        now=created,
        ticket=ticket,
        approved=False,
        reason=" ",
    )
    ticket = services.ticket_approve_special(
        actor=lead, now=created, ticket=ticket, approved=True, reason=""
    )
    assert ticket.state == TicketState.TO_DISPATCH
    assert ticket.special_approved_by == lead


def test_d1_a_refused_special_request_goes_back_to_the_owner(centre, now):
    agent, lead = centre["agent1"], centre["lead"]
    ticket = new_case(agent, now)
    services.ticket_edit(actor=agent, now=now, ticket=ticket, special_request="Sunday please")
    ticket = confirmed(ticket, agent, now)
    assert ticket.state == TicketState.AWAITING_APPROVAL
    ticket = services.ticket_approve_special(
        actor=lead, now=now, ticket=ticket, approved=False, reason="No Sunday visits"
    )
    assert ticket.state == TicketState.OPEN
    assert ticket.special_request == ""
    assert ticket.read_back_at is None
    assert Notice.objects.filter(ticket=ticket, rule="D1", user=agent).exists()


# --- C4: options ---------------------------------------------------------------------------------


def test_c4_the_options_offered_and_the_choice_are_recorded(centre, now):
    ticket = new_case(centre["agent1"], now)
    refused(
        "C4",
        services.ticket_record_options,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        offered=["repair"],
        chosen="refund",
    )
    refused(
        "C4",
        services.ticket_record_options,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        offered=["magic"],
        chosen="magic",
    )
    ticket = services.ticket_record_options(
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        offered=["repair", "replace"],
        chosen="replace",
    )
    assert ticket.options_offered == ["repair", "replace"]
    assert ticket.option_chosen == "replace"
    assert Event.objects.get(entity_id=str(ticket.pk), action="options_recorded").rule == "C4"


# --- D11: enquiries ------------------------------------------------------------------------------


def test_d11_an_enquiry_not_answered_on_the_call_is_called_back_within_30_min(centre, now):
    site = home_site()
    agent = centre["agent1"]
    enquiry = services.ticket_create(
        actor=agent, now=now, customer=site.customer, kind=TicketKind.ENQUIRY, symptom="Warranty?"
    )
    assert not Deadline.objects.filter(ticket=enquiry).exists()  # no D2 for an enquiry
    enquiry = services.ticket_promise_callback(actor=agent, now=now, ticket=enquiry)
    assert enquiry.state == TicketState.CALLBACK_DUE
    assert enquiry.callback_due == now + timedelta(minutes=30)
    clock = Deadline.objects.get(ticket=enquiry, kind="d11.callback")
    services.ticket_solve(
        actor=agent, now=now + timedelta(minutes=20), ticket=enquiry, resolution="Two years"
    )
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET


def test_d11_a_missed_callback_alerts_the_owner_and_the_team_lead(centre, now):
    site = home_site()
    enquiry = services.ticket_create(
        actor=centre["agent1"], now=now, customer=site.customer, kind=TicketKind.ENQUIRY
    )
    services.ticket_promise_callback(actor=centre["agent1"], now=now, ticket=enquiry)
    deadlines_fire_due(now=now + timedelta(minutes=31), worker="test")
    told = set(
        Notice.objects.filter(ticket=enquiry, rule="D11").values_list("user__username", flat=True)
    )
    assert told == {"agent1", "lead"}


def test_b7_customer_is_warned_before_a_promised_callback_is_missed(centre, now):
    site = home_site()
    agent = centre["agent1"]
    enquiry = services.ticket_create(
        actor=agent, now=now, customer=site.customer, kind=TicketKind.ENQUIRY
    )
    services.ticket_promise_callback(actor=agent, now=now, ticket=enquiry)
    # 30-min promise, 30-min warning: not at once, but halfway, before the time passes.
    deadlines_fire_due(now=now + timedelta(minutes=14), worker="test")
    assert not Notice.objects.filter(ticket=enquiry, rule="B7").exists()
    deadlines_fire_due(now=now + timedelta(minutes=15), worker="test")
    warned = Notice.objects.get(ticket=enquiry, rule="B7")
    assert warned.customer == site.customer


def test_b7_no_warning_once_the_callback_is_made(centre, now):
    site = home_site()
    agent = centre["agent1"]
    enquiry = services.ticket_create(
        actor=agent, now=now, customer=site.customer, kind=TicketKind.ENQUIRY
    )
    services.ticket_promise_callback(actor=agent, now=now, ticket=enquiry)
    services.ticket_solve(
        actor=agent, now=now + timedelta(minutes=5), ticket=enquiry, resolution="Answered"
    )
    deadlines_fire_due(now=now + timedelta(minutes=40), worker="test")
    assert not Notice.objects.filter(ticket=enquiry, rule="B7").exists()


def test_d11_only_an_enquiry_is_called_back(centre, now):
    ticket = new_case(centre["agent1"], now)
    refused("D11", services.ticket_promise_callback, actor=centre["agent1"], now=now, ticket=ticket)
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.OPEN
