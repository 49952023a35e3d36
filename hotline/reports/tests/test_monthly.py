"""D13: the monthly report on fixed data; every expectation is counted by hand below."""

from datetime import date

import pytest
from django.http import Http404

from hotline.core.reportmath import BadReportParameter
from hotline.directory.models import Customer
from hotline.notices.models import Notice
from hotline.reports.models import FaultAlert
from hotline.reports.selectors import monthly_report
from hotline.reports.services import fault_alerts_raise
from hotline.reports.tests.conftest import categories, event, followup, order, providers, ticket
from hotline.testing.times import utc
from hotline.tickets.choices import ComplaintState, TicketKind
from hotline.tickets.models import Complaint, Ticket

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)  # Sofia: 2026-09-30 21:00 UTC to 2026-10-31 22:00 UTC
NOW = utc(2026, 11, 23, 8)


@pytest.fixture
def october(centre):  # type: ignore[no-untyped-def]
    owner = centre["agent1"]
    p1, p2 = providers()[:2]
    # p1: a (1 Oct 01:30 local, done in 10 h), b (done in 20 h), c (installation, late), d
    # (1 Nov 00:30 local: November), e (September).
    a = order(
        p1,
        utc(2026, 9, 30, 22, 30),
        owner,
        response_due=utc(2026, 10, 2, 9),
        completed_at=utc(2026, 10, 1, 8, 30),
    )
    b = order(
        p1,
        utc(2026, 10, 10, 8),
        owner,
        response_due=utc(2026, 10, 11, 8),
        completed_at=utc(2026, 10, 11, 4),
    )
    c = order(
        p1,
        utc(2026, 10, 20, 8),
        owner,
        kind=TicketKind.INSTALLATION,
        response_due=utc(2026, 10, 21, 8),
    )
    order(p1, utc(2026, 10, 31, 22, 30), owner)
    order(
        p1,
        utc(2026, 9, 20, 8),
        owner,
        response_due=utc(2026, 9, 21, 8),
        completed_at=utc(2026, 9, 21, 7),
    )
    # p2: f (late), g (a repeat visit of b: charged to p1).
    f = order(p2, utc(2026, 10, 5, 8), owner, response_due=utc(2026, 10, 6, 8))
    order(p2, utc(2026, 10, 15, 8), owner, second_of=b, response_due=utc(2026, 11, 14, 8))
    wo = "dispatch.work_order"
    event(utc(2026, 10, 21, 8), wo, c.pk, "late", provider=p1.pk)
    event(utc(2026, 10, 6, 8), wo, f.pk, "late", provider=p2.pk)
    event(utc(2026, 11, 2, 8), wo, c.pk, "late", provider=p1.pk)  # November
    event(utc(2026, 10, 20, 10), wo, c.pk, "contact_missed", provider=p1.pk)
    # Complaints: one about b's case (settled), one about nothing (with the engineer), one old.
    settled = ticket(owner, utc(2026, 10, 12, 9), TicketKind.COMPLAINT, updates=b.ticket)
    Complaint.objects.create(ticket=settled, state=ComplaintState.SETTLED)
    escalated = ticket(owner, utc(2026, 10, 13, 9), TicketKind.COMPLAINT)
    Complaint.objects.create(ticket=escalated, state=ComplaintState.WITH_ENGINEER)
    old = ticket(owner, utc(2026, 9, 13, 9), TicketKind.COMPLAINT)
    Complaint.objects.create(ticket=old, state=ComplaintState.ANSWERED)
    # Follow-ups done in October: a 5 resolved, b 2 unresolved (repairs), c 4 resolved
    # (installation); one done in November and one still to call are not October's.
    followup(a, utc(2026, 10, 3, 9), resolved=True, score=5)
    followup(b, utc(2026, 10, 14, 9), resolved=False, score=2)
    followup(c, utc(2026, 10, 25, 9), resolved=True, score=4)
    followup(f, utc(2026, 11, 3, 9), resolved=False, score=1)
    followup(order(p2, utc(2026, 9, 2, 8), owner), None, resolved=None, score=None)
    # The floor: 3 arrived, 2 answered, 1 abandoned; talks of 901 s (over A1's 15 min) and 900 s.
    for n in range(3):
        event(utc(2026, 10, 7, 8, n), "calls.call", 100 + n, "arrived")
    event(utc(2026, 10, 7, 8, 5), "calls.call", 100, "answered", agent=owner.pk)
    event(utc(2026, 10, 7, 8, 6), "calls.call", 101, "answered", agent=owner.pk)
    event(utc(2026, 10, 7, 8, 7), "calls.call", 102, "abandoned")
    event(utc(2026, 10, 7, 8, 25), "calls.call", 100, "ended", talk_seconds=901)
    event(utc(2026, 10, 7, 8, 25), "calls.call", 101, "ended", talk_seconds=900)
    event(utc(2026, 10, 8, 6), "calls.agent", owner.pk, "first_ready", late_seconds=120)
    event(utc(2026, 10, 9, 6), "calls.agent", owner.pk, "first_ready", late_seconds=0)
    event(utc(2026, 10, 9, 9), "calls.agent", owner.pk, "break_overrun")
    return p1, p2


def test_d13_volume_and_d6_timeliness_per_provider(centre, october) -> None:  # type: ignore[no-untyped-def]
    p1, p2 = october
    report, _ = monthly_report(centre["manager"], OCTOBER, NOW)
    one = report.section("providers").row(provider=p1.name)
    assert (one["dispatched"], one["completed"], one["due"], one["late"]) == (3, 2, 3, 1)
    assert one["on_time"] == pytest.approx(2 / 3)
    assert one["d4_missed"] == 1
    assert one["response_hours"] == pytest.approx(15.0)
    two = report.section("providers").row(provider=p2.name)
    assert (two["dispatched"], two["due"], two["late"], two["on_time"]) == (2, 1, 1, 0.0)
    assert two["response_hours"] is None


def test_d13_complaints_repeat_visits_and_follow_ups_per_provider(centre, october) -> None:  # type: ignore[no-untyped-def]
    p1, p2 = october
    report, _ = monthly_report(centre["manager"], OCTOBER, NOW)
    one = report.section("quality").row(provider=p1.name)
    assert (one["complaints"], one["complaints_open"], one["repeat_visits"]) == (1, 0, 1)
    assert one["first_time_fix"] == pytest.approx(0.5)
    assert (one["followups"], one["followups_unresolved"]) == (3, 1)
    assert one["satisfaction"] == pytest.approx(3.67)
    two = report.section("quality").row(provider=p2.name)
    assert (two["complaints"], two["repeat_visits"], two["followups"]) == (0, 0, 0)
    outcomes = report.section("complaints")
    assert outcomes.row(outcome=str(ComplaintState.SETTLED.label))["complaints"] == 1
    assert outcomes.row(outcome=str(ComplaintState.WITH_ENGINEER.label))["complaints"] == 1
    assert outcomes.row(outcome=str(ComplaintState.ANSWERED.label))["complaints"] == 0


def test_d13_satisfaction_for_installation_and_repair(centre, october) -> None:  # type: ignore[no-untyped-def]
    report, _ = monthly_report(centre["manager"], OCTOBER, NOW)
    satisfaction = report.section("satisfaction")
    repair = satisfaction.row(kind=str(TicketKind.REPAIR.label))
    assert (repair["followups"], repair["resolved"], repair["satisfaction"]) == (2, 0.5, 3.5)
    install = satisfaction.row(kind=str(TicketKind.INSTALLATION.label))
    assert (install["followups"], install["resolved"], install["satisfaction"]) == (1, 1.0, 4.0)


def test_d13_customer_records_and_the_floor(centre, october) -> None:  # type: ignore[no-untyped-def]
    report, _ = monthly_report(centre["manager"], OCTOBER, NOW)
    figures = {r["figure"]: r["value"] for r in report.section("customers").rows}
    # October's cases: a, b, c, f, g and two complaints = 7, all of one customer (first in Sept).
    assert figures["Cases this month"] == 7
    assert figures["Customers with a case this month"] == 1
    assert figures["New customers (first case ever)"] == 0
    assert figures["Customers with more than one case"] == 1
    assert figures["Cases per customer served"] == 7.0
    assert figures[str(TicketKind.REPAIR.label)] == 4
    assert figures[str(TicketKind.COMPLAINT.label)] == 2
    assert figures["Customer records"] == Customer.objects.count()
    floor = {r["figure"]: r["value"] for r in report.section("floor").rows}
    assert floor["Calls arrived"] == 3
    assert floor["Calls answered"] == 2
    assert floor["Calls abandoned"] == 1
    assert floor["Calls over the limit (A1)"] == 1
    assert floor["Late log-ins (B1)"] == 1
    assert floor["Break overruns (B2)"] == 1


def test_d13_a_provider_sees_only_its_own_figures(centre, october) -> None:  # type: ignore[no-untyped-def]
    staff = centre["provider1"]
    report, faults = monthly_report(staff, OCTOBER, NOW)
    names = [r["provider"] for r in report.section("providers").rows]
    assert names == [staff.provider.name]
    assert faults == []
    keys = [s.key for s in report.sections]
    assert "faults" not in keys
    assert "customers" not in keys
    assert "floor" not in keys
    other = next(p for p in providers() if p.pk != staff.provider_id)
    with pytest.raises(Http404):
        monthly_report(staff, OCTOBER, NOW, provider=other.pk)


def test_d13_one_provider_for_the_manager_and_an_unknown_one_is_refused(centre, october) -> None:  # type: ignore[no-untyped-def]
    p1, _ = october
    report, _ = monthly_report(centre["manager"], OCTOBER, NOW, provider=p1.name)
    assert [r["provider"] for r in report.section("quality").rows] == [p1.name]
    with pytest.raises(BadReportParameter, match="no provider"):
        monthly_report(centre["manager"], OCTOBER, NOW, provider="Nobody Ltd")


# --- fault structure: planted data -------------------------------------------------------------


@pytest.fixture
def planted(centre):  # type: ignore[no-untyped-def]
    """April-September: 20 field cases a month, 2 of category one (10 %), 18 of category two.
    October: 40 cases, 12 of category one (30 %: p = 0.00038 under 10 %), 28 of two."""
    owner = centre["agent1"]
    one, two = categories()[:2]
    customer = Customer.objects.order_by("id").first()
    rows = []
    for month in range(4, 10):
        for n in range(20):
            rows.append((utc(2026, month, 10, 8, n), one if n < 2 else two))
    for n in range(40):
        rows.append((utc(2026, 10, 10, 8, n), one if n < 12 else two))
    Ticket.objects.bulk_create(
        Ticket(kind=TicketKind.REPAIR, customer=customer, owner=owner, created_at=at, category=cat)
        for at, cat in rows
    )
    return one, two


def test_d13_planted_fault_share_rise_raises_one_alert_and_tells_the_engineer(
    centre, planted
) -> None:  # type: ignore[no-untyped-def]
    one, two = planted
    report, faults = monthly_report(None, OCTOBER, NOW)
    section = report.section("faults")
    row_one = section.row(category=one.name)
    assert (row_one["count"], row_one["share"], row_one["baseline"]) == (12, 0.3, 0.1)
    # z = (12 - 40 * 0.1) / sqrt(40 * 0.1 * 0.9) = 8 / 1.897 = 4.22
    assert row_one["z"] == pytest.approx(4.22, abs=0.01)
    assert row_one["alert"] is True
    assert section.row(category=two.name)["alert"] is False
    raised = fault_alerts_raise(actor=None, now=NOW, month=OCTOBER, rows=faults)
    assert [a.category_id for a in raised] == [one.pk]
    manager = centre["manager"]
    notice = Notice.objects.get(user=manager, rule="D13")
    assert one.name in notice.body or one.name in notice.subject
    assert "http://127.0.0.1:8000/reports/monthly/?month=2026-10" in notice.body  # absolute
    assert list(raised[0].notified.all()) == [manager]
    # A second run of the month's report alerts nobody again.
    assert fault_alerts_raise(actor=None, now=NOW, month=OCTOBER, rows=faults) == []
    assert FaultAlert.objects.count() == 1
    assert Notice.objects.filter(rule="D13").count() == 1


def test_d13_steady_month_raises_no_alert(centre, planted) -> None:  # type: ignore[no-untyped-def]
    _, faults = monthly_report(None, date(2026, 9, 1), NOW)  # September: 2 of 20 as usual
    assert not any(row.verdict.abnormal for row in faults)
    assert fault_alerts_raise(actor=None, now=NOW, month=date(2026, 9, 1), rows=faults) == []


def test_d13_new_customers_are_those_whose_first_case_is_this_month(centre, october) -> None:  # type: ignore[no-untyped-def]
    owner = centre["agent1"]
    second, third = list(Customer.objects.order_by("id"))[1:3]
    Ticket.objects.create(
        kind=TicketKind.ENQUIRY, customer=second, owner=owner, created_at=utc(2026, 10, 20, 9)
    )
    Ticket.objects.create(
        kind=TicketKind.ENQUIRY, customer=third, owner=owner, created_at=utc(2026, 10, 21, 9)
    )
    Ticket.objects.create(
        kind=TicketKind.ENQUIRY, customer=third, owner=owner, created_at=utc(2026, 8, 1, 9)
    )
    report, _ = monthly_report(centre["manager"], OCTOBER, NOW)
    figures = {r["figure"]: r["value"] for r in report.section("customers").rows}
    # Served: the first customer (7 cases), the second (1, new), the third (1, known since Aug).
    assert figures["Customers with a case this month"] == 3
    assert figures["New customers (first case ever)"] == 1
    assert figures["Customers with more than one case"] == 1
    assert figures["Cases per customer served"] == 3.0
