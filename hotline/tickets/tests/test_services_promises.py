"""Tickets services: the promises made to the customer (C2, D1, D6, A5), the work order
clock (D2) and the appointment window (A5, C1, D1).

Helpers (demo sites, fixed instants, a ready ticket) are in test_services_support.py."""

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
from hotline.testing.times import sofia, utc
from hotline.tickets import services
from hotline.tickets.choices import TicketKind, TicketState
from hotline.tickets.models import Ticket
from hotline.tickets.tests.test_services_support import home_site, new_case, other_site, refused

pytestmark = pytest.mark.django_db


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
    assert ticket.contract_id is not None, "the case runs under a contract"
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
