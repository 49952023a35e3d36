"""Tickets services, rule by rule (D11, C2, D1, D6, A5, D2, E4, E3, E2, C1, C4, D11, B10)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from hotline.audit.models import Event
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadlines_fire_due
from hotline.directory.choices import Zone
from hotline.directory.models import Provider, SlaContract
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
    sofia,
    utc,
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


# --- C2 / D1 / D6 / A5: promises ---------------------------------------------------------------


def test_c2_promises_before_the_cutoff_count_from_now_and_the_customer_is_told(centre, now):
    ticket = new_case(centre["agent1"], now)  # Monday 10:00 Sofia, urban, standard warranty 24 h
    assert ticket.contract is not None
    assert ticket.contract.name == "Standard warranty"
    assert ticket.response_due == now + timedelta(hours=24)
    assert ticket.resolution_due == now + timedelta(hours=72)
    assert ticket.booked_for == date(2026, 11, 23)
    notice = Notice.objects.get(customer=ticket.customer, ticket=ticket, rule="C2")
    assert ticket.number in notice.subject


@pytest.mark.parametrize(
    ("created", "booked", "earliest"),
    [
        # after the 16:00 cut-off: the next working day
        (sofia(2026, 11, 23, 16, 30), date(2026, 11, 24), sofia(2026, 11, 24, 8, 30)),
        # Friday after the cut-off: over the weekend
        (sofia(2026, 11, 27, 16, 30), date(2026, 11, 30), sofia(2026, 11, 30, 8, 30)),
        # before Christmas: over three holidays and a Sunday
        (sofia(2026, 12, 23, 16, 30), date(2026, 12, 28), sofia(2026, 12, 28, 8, 30)),
        # over the end of summer time (Sunday 25 October): Sofia moves from +3 to +2
        (sofia(2026, 10, 23, 16, 30), date(2026, 10, 26), utc(2026, 10, 26, 6, 30)),
    ],
)
def test_d1_requests_after_the_cutoff_are_booked_for_the_next_working_day(
    centre, created, booked, earliest
):
    ticket = new_case(centre["agent1"], created)
    assert ticket.booked_for == booked
    assert ticket.response_due == earliest + timedelta(hours=24)  # C2 counts from the booking
    notice = Notice.objects.get(ticket=ticket, rule="C2")
    assert notice.customer_id == ticket.customer_id


def test_d1_business_premises_are_served_the_same_day_under_their_own_sla(centre):
    created = sofia(2026, 11, 23, 16, 30)
    ticket = new_case(centre["agent1"], created, site=home_site(business=True))
    assert ticket.booked_for == date(2026, 11, 23)
    assert ticket.contract is not None
    assert ticket.contract.name == "Business priority"
    assert ticket.priority == 1
    assert ticket.response_due == created + timedelta(hours=4)  # stricter than the zone's


def test_d6_the_zone_limit_caps_a_looser_sla(centre, now):
    SlaContract.objects.filter(customer__isnull=True).update(response_within=timedelta(hours=96))
    urban = new_case(centre["agent1"], now, site=home_site(Zone.URBAN))
    assert urban.response_due == now + timedelta(hours=24)
    suburban = new_case(centre["agent1"], now, site=home_site(Zone.SUBURBAN))
    assert suburban.response_due == now + timedelta(hours=48)


def test_a5_a_service_the_agreement_does_not_cover_is_not_promised(centre, now):
    SlaContract.objects.filter(customer__isnull=True).update(covered_services=["repair"])
    refused("A5", new_case, centre["agent1"], now, kind=TicketKind.INSTALLATION)
    assert not Ticket.objects.exists()
    assert not Notice.objects.exists()


def test_c2_the_customers_first_matching_contract_by_order_wins(centre, now):
    site = home_site()
    SlaContract.objects.create(
        customer=site.customer,
        name="Installations only",
        order=1,
        response_within=timedelta(hours=8),
        covered_services=["installation"],
    )
    SlaContract.objects.create(
        customer=site.customer, name="Gold", order=5, response_within=timedelta(hours=6)
    )
    repair = new_case(centre["agent1"], now, site=site)
    assert repair.contract is not None
    assert repair.contract.name == "Gold"
    install = new_case(centre["agent1"], now, site=site, kind=TicketKind.INSTALLATION)
    assert install.contract is not None
    assert install.contract.name == "Installations only"


def test_bad_input_is_refused_with_nothing_changed(centre, now):
    site = home_site()
    with pytest.raises(ValidationError):
        new_case(centre["agent1"], now, kind="teleport")
    with pytest.raises(ValidationError):  # another customer's site
        new_case(centre["agent1"], now, site=site, equipment=other_site(site).equipment.first())
    refused("D10", new_case, centre["agent1"], now, kind=TicketKind.INCIDENT)
    assert not Ticket.objects.exists()
    ticket = new_case(centre["agent1"], now)
    with pytest.raises(ValidationError):
        services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, owner=centre["agent2"])
    with pytest.raises(ValidationError):
        services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, site=other_site(site))
    with pytest.raises(ValidationError):
        services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, contact_phone="9" * 40)
    ticket.refresh_from_db()
    assert ticket.site == site
    assert ticket.owner == centre["agent1"]


# --- D2: solved on the phone, or a work order within 10 min ------------------------------------


def test_d2_a_field_case_starts_the_work_order_clock_and_solving_meets_it(centre, now):
    ticket = new_case(centre["agent1"], now)
    clock = Deadline.objects.get(ticket=ticket, kind="d2.work_order")
    assert clock.due_at == now + timedelta(minutes=10)
    assert ticket.work_order_due == clock.due_at
    later = now + timedelta(minutes=4)
    refused(
        "D2",
        services.ticket_solve,
        actor=centre["agent1"],
        now=later,
        ticket=ticket,
        resolution=" ",
    )
    services.ticket_solve(
        actor=centre["agent1"], now=later, ticket=ticket, resolution="Reset the child lock"
    )
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SOLVED
    assert ticket.solved_at == later
    # A solved case no longer escalates (A6 clocks closed too)
    assert not Deadline.objects.filter(ticket=ticket, state=DeadlineState.PENDING).exists()


def test_d2_a_missed_work_order_alerts_the_owner_and_the_team_lead(centre, now):
    ticket = new_case(centre["agent1"], now)
    deadlines_fire_due(now=now + timedelta(minutes=11), worker="test")
    told = set(
        Notice.objects.filter(ticket=ticket, rule="D2").values_list("user__username", flat=True)
    )
    assert told == {"agent1", "lead"}
    assert Event.objects.filter(entity_id=str(ticket.pk), action="work_order_late", rule="D2")


def test_d2_a_dispatched_case_is_not_alerted(centre, now):
    ticket = new_case(centre["agent1"], now)
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.DISPATCHED)
    deadlines_fire_due(now=now + timedelta(minutes=11), worker="test")
    assert not Notice.objects.filter(ticket=ticket, rule="D2").exists()


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
    for fact in (
        "Maria Ivanova",
        ticket.site.address,
        SYMPTOM,
        "Unplugged",
        ticket.equipment.model,
    ):  # type: ignore[union-attr]
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


# --- A5 / C1 / D1: the appointment window -------------------------------------------------------


def test_c1_a_window_must_end_after_it_starts(centre, now):
    ticket = new_case(centre["agent1"], now)
    start = now + timedelta(hours=2)
    refused(
        "C1",
        services.ticket_set_window,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        start=start,
        end=start,
    )
    with pytest.raises(ValidationError):
        services.ticket_set_window(
            actor=centre["agent1"],
            now=now,
            ticket=ticket,
            start=start.replace(tzinfo=None),
            end=start.replace(tzinfo=None) + timedelta(hours=1),
        )
    assert Ticket.objects.get(pk=ticket.pk).window_start is None


def test_d1_no_window_before_the_booked_day(centre):
    created = sofia(2026, 11, 23, 16, 30)
    ticket = new_case(centre["agent1"], created)
    refused(
        "D1",
        services.ticket_set_window,
        actor=centre["agent1"],
        now=created,
        ticket=ticket,
        start=sofia(2026, 11, 23, 17, 0),
        end=sofia(2026, 11, 23, 18, 0),
    )
    ticket = services.ticket_set_window(
        actor=centre["agent1"],
        now=created,
        ticket=ticket,
        start=sofia(2026, 11, 24, 9, 0),
        end=sofia(2026, 11, 24, 12, 0),
    )
    assert ticket.window_start == sofia(2026, 11, 24, 9, 0)


def test_a5_no_window_without_on_site_cover_or_provider_capacity(centre, now):
    ticket = new_case(centre["agent1"], now)
    start = now + timedelta(hours=2)
    Provider.objects.filter(regions__code="sofia").update(capacity=0)
    refusal = refused(
        "A5",
        services.ticket_set_window,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        start=start,
        end=start + timedelta(hours=2),
    )
    assert "capacity" in refusal.message
    Provider.objects.filter(regions__code="sofia").update(capacity=10)
    SlaContract.objects.filter(pk=ticket.contract_id).update(on_site=False)
    refused(
        "A5",
        services.ticket_set_window,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        start=start,
        end=start + timedelta(hours=2),
    )
    assert Ticket.objects.get(pk=ticket.pk).window_start is None


def test_d6_a_later_date_the_customer_chose_moves_the_response_limit(centre, now):
    ticket = new_case(centre["agent1"], now)
    start, end = sofia(2026, 11, 26, 9, 0), sofia(2026, 11, 26, 12, 0)
    ticket = services.ticket_set_window(
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        start=start,
        end=end,
        customer_chose_later=True,
        later_reason="Away until Thursday",
    )
    assert ticket.response_due == end


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


def test_c2_promises_follow_the_site_chosen_later(centre, now):
    site = home_site(Zone.URBAN)
    ticket = services.ticket_create(
        actor=centre["agent1"], now=now, customer=site.customer, kind=TicketKind.REPAIR
    )
    assert ticket.response_due is None
    assert not Notice.objects.filter(ticket=ticket, rule="C2").exists()
    ticket = services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, site=site)
    assert ticket.response_due == now + timedelta(hours=24)
    assert Notice.objects.filter(ticket=ticket, rule="C2", customer=site.customer).count() == 1
    suburban = home_site(Zone.SUBURBAN)  # the same site, now in a suburban zone
    SlaContract.objects.filter(customer__isnull=True).update(response_within=timedelta(hours=96))
    ticket = services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, site=None)
    ticket = services.ticket_edit(actor=centre["agent1"], now=now, ticket=ticket, site=suburban)
    assert ticket.response_due == now + timedelta(hours=48)  # D6: the new zone's limit
