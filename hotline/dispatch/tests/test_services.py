"""Dispatch rules by id: D3, E1, D4, D5, D6, C1, C3, C4, B7, D7, D8, E6 (fixed datetimes)."""

from datetime import date, timedelta

import pytest

from hotline.audit.models import Event
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.models import Deadline
from hotline.directory.choices import Channel, Zone
from hotline.directory.models import Provider, Region
from hotline.dispatch.choices import DelayReason, UrgeReason, WorkOrderState
from hotline.dispatch.models import Urge, WorkOrder, WorkOrderReport
from hotline.dispatch.selectors import morning_leftovers
from hotline.dispatch.services import (
    chase_record,
    chase_reply,
    daily_clearing,
    dispatch_tick,
    morning_followup,
    work_order_acknowledge,
    work_order_complete,
    work_order_contact,
    work_order_delay,
    work_order_dispatch,
    work_order_report_status,
    work_order_sign,
    work_order_urge,
)
from hotline.notices.models import Notice
from hotline.testing.cases import make_ticket, sofia_site
from hotline.testing.times import utc
from hotline.tickets.choices import TicketState
from hotline.tickets.models import Chase, Ticket

pytestmark = pytest.mark.django_db

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def dispatch(centre, now, ticket, **kwargs):
    return work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket, **kwargs)


def pending(order, kind):
    return Deadline.objects.get(work_order=order, kind=kind, state="pending")


# --- D3 / E1: dispatch -----------------------------------------------------------------


def test_d3_dispatch_goes_to_the_regions_provider_with_the_whole_ticket(centre, now, ticket):
    order = dispatch(centre, now, ticket)
    assert order.provider.name == "TechServ Sofia"
    assert order.channel == Channel.PORTAL
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED
    copy = order.ticket_copy
    assert copy["ticket"]["number"] == ticket.number  # E1: linked
    assert copy["symptom"].startswith("Drum does not turn")
    assert copy["customer"]["name"] == ticket.customer.name
    assert copy["site"]["address"] == ticket.site.address
    assert copy["equipment"]["serial"] == ticket.equipment.serial
    assert copy["category"]["steps"] == ticket.category.steps
    assert copy["script_answers"]
    assert copy["read_back_text"]
    assert Event.objects.filter(entity="dispatch.work_order", action="dispatched", rule="D3")
    assert Notice.objects.filter(provider=order.provider, rule="D3", work_order=order).exists()


def test_d3_least_loaded_provider_of_the_region_is_chosen(centre, now, ticket):
    spare = Provider.objects.create(name="Aardvark Fix", capacity=10, channel=Channel.SMS)
    spare.regions.add(Region.objects.get(code="sofia"))
    busy = Provider.objects.get(name="TechServ Sofia")
    busy.capacity = 2
    busy.save()
    dispatch(centre, now, make_ticket(centre["agent1"], now))  # Aardvark: 0/10, TechServ 0/2
    order = dispatch(centre, now, ticket)
    assert order.provider == busy  # 0/2 = 0 % beats Aardvark's 1/10 = 10 %
    assert order.channel == Channel.PORTAL


def test_d3_provider_of_another_region_is_refused_and_nothing_changes(centre, now, ticket):
    varna = Provider.objects.get(name="Varna Home Service")
    with pytest.raises(PolicyRefusal) as refused:
        dispatch(centre, now, ticket, provider=varna)
    assert refused.value.rule_id == "D3"
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH
    assert not WorkOrder.objects.exists()


def test_d3_provider_at_capacity_is_refused(centre, now, ticket):
    Provider.objects.filter(name="TechServ Sofia").update(capacity=1)
    dispatch(centre, now, make_ticket(centre["agent1"], now))
    with pytest.raises(PolicyRefusal) as refused:
        dispatch(centre, now, ticket)
    assert refused.value.rule_id == "D3"
    assert WorkOrder.objects.count() == 1


def test_d3_manual_channel_is_recorded(centre, now, ticket):
    order = dispatch(centre, now, ticket, channel=Channel.FAX)
    assert order.channel == Channel.FAX
    dispatched = Event.objects.get(action="dispatched")
    assert dispatched.new is not None
    assert dispatched.new["channel"] == "fax"


def test_d3_unknown_channel_is_refused(centre, now, ticket):
    with pytest.raises(PolicyRefusal):
        dispatch(centre, now, ticket, channel="pigeon")
    assert not WorkOrder.objects.exists()


def test_e3_ticket_not_waiting_for_dispatch_is_refused(centre, now):
    bounced = make_ticket(centre["agent1"], now, state=TicketState.BOUNCED)
    with pytest.raises(PolicyRefusal) as refused:
        dispatch(centre, now, bounced)
    assert refused.value.rule_id == "E3"
    unread = make_ticket(centre["agent1"], now, state=TicketState.OPEN)
    with pytest.raises(PolicyRefusal) as refused:
        dispatch(centre, now, unread)
    assert refused.value.rule_id == "E2"


def test_e1_dispatching_twice_is_refused(centre, now, ticket):
    dispatch(centre, now, ticket)
    with pytest.raises(PolicyRefusal):
        dispatch(centre, now, ticket)
    assert WorkOrder.objects.count() == 1


# --- D4 / D6: the clocks, in the centre's calendar ---------------------------------------


def test_d4_clocks_in_working_hours(centre, now, ticket):
    order = dispatch(centre, now, ticket)  # Monday 10:00 Sofia
    assert order.contact_due == utc(2026, 11, 23, 8, 30)  # 10:30 Sofia
    assert order.status_due == utc(2026, 11, 23, 11, 0)  # 13:00 Sofia
    assert pending(order, "d4.contact").due_at == order.contact_due
    assert pending(order, "d4.status").due_at == order.status_due
    assert pending(order, "d6.response").due_at == order.response_due


def test_d4_friday_1650_dispatch_contact_due_monday(centre):
    friday = utc(2026, 11, 20, 14, 50)  # 16:50 Sofia
    order = dispatch(centre, friday, make_ticket(centre["agent1"], friday))
    assert order.contact_due == utc(2026, 11, 23, 6, 50)  # Monday 8:50 Sofia
    assert order.status_due == utc(2026, 11, 23, 9, 20)  # 10 min Friday + 2:50 Monday


def test_d4_dst_change_weekend(centre):
    friday = utc(2026, 10, 23, 13, 50)  # 16:50 EEST; Sofia goes back to EET on Sunday 25th
    order = dispatch(centre, friday, make_ticket(centre["agent1"], friday))
    assert order.contact_due == utc(2026, 10, 26, 6, 50)  # Monday 8:50 EET
    assert order.status_due == utc(2026, 10, 26, 9, 20)


def test_d1_booked_ticket_counts_from_the_booked_day(centre, now):
    booked = make_ticket(centre["agent1"], now, booked_for=date(2026, 11, 24))
    order = dispatch(centre, now, booked)
    assert order.contact_due == utc(2026, 11, 24, 7, 0)  # Tuesday 8:30 + 30 min Sofia


def test_d6_response_due_from_the_zone_limit(centre, now):
    suburban = make_ticket(centre["agent1"], now, site=sofia_site(Zone.SUBURBAN))
    order = dispatch(centre, now, suburban)
    assert order.response_due == now + timedelta(hours=48)


def test_d6_customer_chosen_later_date_is_kept(centre, now):
    later = now + timedelta(days=6)
    ticket = make_ticket(centre["agent1"], now)
    ticket.window_start, ticket.window_end = later - timedelta(hours=2), later
    ticket.save(update_fields=["window_start", "window_end"])
    order = dispatch(centre, now, ticket)
    assert order.response_due == later


def test_d2_work_order_deadline_is_met_on_dispatch(centre, now, ticket):
    from hotline.deadlines.services import deadline_set

    deadline_set(
        kind="d2.work_order", rule="D2", due_at=now + timedelta(minutes=10), now=now, ticket=ticket
    )
    dispatch(centre, now, ticket)
    assert Deadline.objects.get(ticket=ticket, kind="d2.work_order").state == "met"


# --- provider actions ---------------------------------------------------------------------


@pytest.fixture
def order(centre, now, ticket):
    return dispatch(centre, now, ticket)


@pytest.fixture
def desk(centre):
    return centre["provider1"]


def test_d4_acknowledge(desk, now, order):
    work_order_acknowledge(actor=desk, now=now, order_id=order.pk)
    order.refresh_from_db()
    assert order.state == WorkOrderState.ACKNOWLEDGED
    assert order.acknowledged_at == now
    with pytest.raises(PolicyRefusal):
        work_order_acknowledge(actor=desk, now=now, order_id=order.pk)


def test_d3_other_provider_cannot_touch_the_order(centre, now, order):
    for user in (centre["provider2"], centre["agent1"], centre["customer1"]):
        with pytest.raises(WorkOrder.DoesNotExist):
            work_order_acknowledge(actor=user, now=now, order_id=order.pk)
    order.refresh_from_db()
    assert order.acknowledged_at is None


def test_c1_contact_books_the_visit_and_tells_the_customer(desk, now, order):
    start = now + timedelta(hours=3)
    work_order_contact(
        actor=desk,
        now=now + timedelta(minutes=20),
        order_id=order.pk,
        visit_start=start,
        visit_end=start + timedelta(hours=2),
    )
    order.refresh_from_db()
    assert order.state == WorkOrderState.CONTACTED
    assert order.visit_start == start
    assert Deadline.objects.get(work_order=order, kind="d4.contact").state == "met"
    assert pending(order, "b7.visit_warning").due_at == start - timedelta(minutes=30)
    assert Notice.objects.filter(customer=order.ticket.customer, rule="C1").exists()


@pytest.mark.parametrize("hours", [(3, 2), (-1, 1)])
def test_c1_bad_visit_window_is_refused(desk, now, order, hours):
    start = now + timedelta(hours=hours[0])
    with pytest.raises(PolicyRefusal) as refused:
        work_order_contact(
            actor=desk,
            now=now,
            order_id=order.pk,
            visit_start=start,
            visit_end=now + timedelta(hours=hours[1]),
        )
    assert refused.value.rule_id == "C1"
    order.refresh_from_db()
    assert order.visit_start is None
    assert order.state == WorkOrderState.DISPATCHED


def test_d5_status_report_starts_the_urge_clock(desk, now, order):
    at = now + timedelta(hours=1)  # 11:00 Sofia
    work_order_report_status(actor=desk, now=at, order_id=order.pk, text="Part ordered")
    assert Deadline.objects.get(work_order=order, kind="d4.status").state == "met"
    assert pending(order, "d5.urge").due_at == utc(2026, 11, 23, 13, 0)  # 15:00 Sofia
    # Late in the day the 4 h run on into the next working day.
    work_order_report_status(actor=desk, now=utc(2026, 11, 23, 14, 0), order_id=order.pk, text="x")
    assert pending(order, "d5.urge").due_at == utc(2026, 11, 24, 9, 30)  # 16:00 + 1h, 8:30 + 3h


def test_d4_empty_status_is_refused(desk, now, order):
    with pytest.raises(PolicyRefusal):
        work_order_report_status(actor=desk, now=now, order_id=order.pk, text="  ")
    assert not WorkOrderReport.objects.exists()


def test_c3_delay_without_reason_is_refused_and_nothing_changes(desk, now, order):
    with pytest.raises(PolicyRefusal) as refused:
        work_order_delay(
            actor=desk, now=now, order_id=order.pk, reason="", new_time=now + timedelta(days=1)
        )
    assert refused.value.rule_id == "C3"
    with pytest.raises(PolicyRefusal):
        work_order_delay(actor=desk, now=now, order_id=order.pk, reason="parts", new_time=now)
    assert not WorkOrderReport.objects.exists()
    assert not Notice.objects.filter(rule="C3").exists()


def test_c3_delay_tells_the_customer_reason_and_new_time(desk, now, order):
    start = now + timedelta(hours=3)
    work_order_contact(
        actor=desk,
        now=now,
        order_id=order.pk,
        visit_start=start,
        visit_end=start + timedelta(hours=1),
    )
    new_time = now + timedelta(days=2)
    work_order_delay(
        actor=desk,
        now=now,
        order_id=order.pk,
        reason=DelayReason.PARTS,
        new_time=new_time,
        text="Pump on order",
    )
    order.refresh_from_db()
    assert order.visit_start == new_time
    assert order.visit_end == new_time + timedelta(hours=1)
    assert pending(order, "b7.visit_warning").due_at == new_time - timedelta(minutes=30)
    assert pending(order, "d6.response").due_at == order.response_due < new_time  # still late
    notice = Notice.objects.get(customer=order.ticket.customer, rule="C3")
    assert notice.body
    report = WorkOrderReport.objects.get(work_order=order, kind="delay")
    assert report.delay_reason == "parts"
    assert report.new_time == new_time


def test_d6_delay_chosen_by_the_customer_moves_the_limit(desk, now, order):
    new_time = now + timedelta(days=5)
    work_order_delay(
        actor=desk, now=now, order_id=order.pk, reason=DelayReason.CUSTOMER, new_time=new_time
    )
    order.refresh_from_db()
    assert order.response_due == new_time
    assert pending(order, "d6.response").due_at == new_time


def complete(desk, now, order, **kwargs):
    return work_order_complete(
        actor=desk, now=now, order_id=order.pk, work_done="Replaced the drain pump", **kwargs
    )


def test_c4_completion_records_the_choice_and_closes_the_clocks(desk, now, order):
    complete(desk, now, order, option_chosen="repair")
    order.refresh_from_db()
    assert order.state == WorkOrderState.COMPLETED
    assert order.option_chosen == "repair"
    assert not Deadline.objects.filter(work_order=order, state="pending").exists()


def test_c4_unknown_choice_and_empty_work_are_refused(desk, now, order):
    with pytest.raises(PolicyRefusal) as refused:
        complete(desk, now, order, option_chosen="magic")
    assert refused.value.rule_id == "C4"
    with pytest.raises(PolicyRefusal):
        work_order_complete(actor=desk, now=now, order_id=order.pk, work_done="")
    order.refresh_from_db()
    assert order.state == WorkOrderState.DISPATCHED


def test_e6_c5_sign_seals_the_order_solves_the_ticket_and_links_the_report(
    desk, now, order, settings
):
    settings.HOTLINE_PUBLIC_URL = "https://hotline.example.com"
    complete(desk, now, order)
    work_order_sign(
        actor=desk, now=now, order_id=order.pk, signer_name="Maria Ivanova", signature_image=PNG
    )
    order.refresh_from_db()
    assert order.state == WorkOrderState.SIGNED
    assert len(order.signature_hash) == 64
    assert Ticket.objects.get(pk=order.ticket_id).state == TicketState.SOLVED
    notice = Notice.objects.get(customer=order.ticket.customer, rule="C5")
    # C5: the customer's link works from their mailbox, not only inside the site
    assert f"https://hotline.example.com/dispatch/orders/{order.pk}/report" in notice.body


def test_e6_signing_before_completion_or_twice_is_refused(desk, now, order):
    with pytest.raises(PolicyRefusal) as refused:
        work_order_sign(actor=desk, now=now, order_id=order.pk, signer_name="Maria")
    assert refused.value.rule_id == "E6"
    complete(desk, now, order)
    work_order_sign(actor=desk, now=now, order_id=order.pk, signer_name="Maria")
    with pytest.raises(PolicyRefusal) as refused:
        work_order_sign(actor=desk, now=now, order_id=order.pk, signer_name="Someone else")
    assert refused.value.rule_id == "E6"
    order.refresh_from_db()
    assert order.signer_name == "Maria"


@pytest.mark.parametrize(
    "image",
    ["data:image/gif;base64,R0lGOD", "data:image/png;base64,%%%", "data:image/png;base64,aGVsbG8="],
)
def test_e6_bad_signature_image_is_refused(desk, now, order, image):
    complete(desk, now, order)
    with pytest.raises(PolicyRefusal):
        work_order_sign(
            actor=desk, now=now, order_id=order.pk, signer_name="M", signature_image=image
        )
    order.refresh_from_db()
    assert order.signed_at is None


def test_e6_signed_order_can_no_longer_be_changed(centre, desk, now, order):
    complete(desk, now, order)
    work_order_sign(actor=desk, now=now, order_id=order.pk, signer_name="Maria")
    later = now + timedelta(hours=1)
    attempts = [
        lambda: work_order_report_status(actor=desk, now=later, order_id=order.pk, text="x"),
        lambda: work_order_delay(
            actor=desk,
            now=later,
            order_id=order.pk,
            reason="parts",
            new_time=later + timedelta(days=1),
        ),
        lambda: complete(desk, later, order),
        lambda: work_order_contact(
            actor=desk,
            now=later,
            order_id=order.pk,
            visit_start=later + timedelta(hours=1),
            visit_end=later + timedelta(hours=2),
        ),
        lambda: work_order_urge(actor=centre["dispatcher"], now=later, order_id=order.pk),
    ]
    for attempt in attempts:
        with pytest.raises(PolicyRefusal) as refused:
            attempt()
        assert refused.value.rule_id == "E6"


# --- centre actions -------------------------------------------------------------------------


def test_d5_urge_is_recorded_and_sent(centre, now, order):
    work_order_urge(actor=centre["dispatcher"], now=now, order_id=order.pk)
    urge = Urge.objects.get(work_order=order)
    assert urge.reason == UrgeReason.NO_FEEDBACK
    assert urge.at == now
    assert Notice.objects.filter(provider=order.provider, rule="D5").exists()


def test_d8_chase_urges_promises_a_reply_and_records_the_time(centre, now, order):
    chase_record(actor=centre["agent2"], now=now, ticket=order.ticket, note="Where is he?")
    chase = Chase.objects.get(ticket=order.ticket)
    assert chase.at == now
    assert chase.reply_promised_by == now + timedelta(hours=2)
    assert Urge.objects.get(work_order=order).reason == UrgeReason.CUSTOMER_CHASE
    assert Deadline.objects.get(ticket=order.ticket, kind="d8.reply").due_at == now + timedelta(
        hours=2
    )


def test_d7_daily_clearing_once_a_day_at_clearing_time(centre, now, order):
    assert daily_clearing(now=now) == 0  # 10:00 Sofia: not yet
    at = utc(2026, 11, 23, 14, 30)  # 16:30 Sofia
    assert daily_clearing(now=at) == 1
    assert Urge.objects.get(work_order=order).reason == UrgeReason.DAILY_CLEARING
    assert Notice.objects.filter(user=centre["lead"], rule="D7").exists()
    assert daily_clearing(now=at + timedelta(minutes=20)) == 0  # idempotent per day
    assert Urge.objects.count() == 1


def test_d7_morning_leftovers(centre, now, order):
    assert morning_leftovers(now) == []  # dispatched this morning
    assert morning_leftovers(now + timedelta(days=1)) == [order]


def test_d8_reply_given_is_recorded_and_its_alert_called_off(centre, now, order):
    from hotline.deadlines.services import deadlines_fire_due

    chase = chase_record(actor=centre["agent1"], now=now, ticket=order.ticket, note="Where?")
    with pytest.raises(PolicyRefusal) as refused:
        chase_reply(actor=centre["agent1"], now=now, chase_id=chase.pk, note=" ")
    assert refused.value.rule_id == "D8"
    later = now + timedelta(minutes=40)
    chase_reply(actor=centre["agent1"], now=later, chase_id=chase.pk, note="Tomorrow at 9")
    chase.refresh_from_db()
    assert chase.replied_at == later
    assert Deadline.objects.get(ticket=order.ticket, kind="d8.reply").state == "met"
    deadlines_fire_due(now=now + timedelta(hours=3), worker="test")
    assert not Notice.objects.filter(rule="D8", user=centre["agent1"]).exists()
    with pytest.raises(PolicyRefusal):
        chase_reply(actor=centre["agent1"], now=later, chase_id=chase.pk, note="again")


def test_d7_morning_followup_sends_the_leftovers_once(centre, now, order):
    tuesday_0820 = utc(2026, 11, 24, 6, 20)  # before opening
    assert morning_followup(now=tuesday_0820) == 0
    tuesday_0835 = utc(2026, 11, 24, 6, 35)
    assert morning_followup(now=tuesday_0835) == 1
    notice = Notice.objects.get(user=centre["lead"], rule="D7")
    assert order.number in notice.body
    assert morning_followup(now=tuesday_0835 + timedelta(hours=1)) == 0
    saturday = utc(2026, 11, 28, 9, 0)
    assert morning_followup(now=saturday) == 0


def test_d7_dispatch_tick_runs_clearing_and_followup(centre, now, order):
    dispatch_tick(now=utc(2026, 11, 23, 14, 45))  # Monday 16:45 Sofia: clearing
    assert Urge.objects.filter(reason=UrgeReason.DAILY_CLEARING).count() == 1
    dispatch_tick(now=utc(2026, 11, 24, 7, 0))  # Tuesday 9:00 Sofia: leftovers
    assert Event.objects.filter(entity="dispatch.morning_leftovers", action="listed").exists()


def test_d6_late_list_holds_open_late_orders_only(centre, desk, now, order):
    from hotline.dispatch.selectors import late_orders

    WorkOrder.objects.filter(pk=order.pk).update(late_at=now)
    assert list(late_orders()) == [order]
    complete(desk, now, order)
    assert list(late_orders()) == []


def test_e1_a_ticket_that_is_not_field_work_is_not_dispatched(centre, now):
    enquiry = make_ticket(centre["agent1"], now, kind="enquiry")
    with pytest.raises(PolicyRefusal) as refused:
        dispatch(centre, now, enquiry)
    assert refused.value.rule_id == "E1"
    assert not WorkOrder.objects.exists()
