"""D15: the weekly summary counts every case solved in the week by how it was solved (signed
order, second visit, phone, complaint settled or answered, incident closed), with its
definitions written in the report. Cases are solved through the services, over the week of
Monday 23 November 2026 in Sofia, and the report read through the API and the page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.dispatch.services import (
    work_order_complete,
    work_order_dispatch,
    work_order_sign,
)
from hotline.followup.models import FollowUp
from hotline.followup.services import followup_record, followups_plan
from hotline.testing.cases import make_ticket
from hotline.testing.times import utc
from hotline.tickets.choices import ComplaintState, IncidentKind, TicketKind, TicketState
from hotline.tickets.models import Complaint, Incident, Ticket
from hotline.tickets.services import ticket_solve
from hotline.tickets.services.complaints import complaint_settle

pytestmark = pytest.mark.django_db
MONDAY = utc(2026, 11, 23, 8)  # 10:00 in Sofia


def _signed(centre, at, ticket=None):  # type: ignore[no-untyped-def]
    ticket = ticket or make_ticket(centre["agent1"], at)
    order = work_order_dispatch(actor=centre["dispatcher"], now=at, ticket=ticket)
    desk = centre["provider1"]
    work_order_complete(actor=desk, now=at + timedelta(hours=1), order_id=order.pk, work_done="ok")
    work_order_sign(
        actor=desk, now=at + timedelta(hours=1, minutes=5), order_id=order.pk, signer_name="M"
    )
    return order


@pytest.fixture
def week(centre):  # type: ignore[no-untyped-def]
    agent = centre["agent1"]
    # Two repairs solved by a signed order; one of them was solved the week before (not counted).
    _signed(centre, MONDAY)
    _signed(centre, MONDAY - timedelta(days=7))
    # A repair signed, followed up unresolved, and solved again by the second visit's signature.
    first = _signed(centre, MONDAY + timedelta(days=1))
    followups_plan(now=MONDAY + timedelta(days=1, hours=2))
    followup = FollowUp.objects.get(work_order=first)
    followup_record(
        actor=centre["agent2"],
        now=MONDAY + timedelta(days=2, hours=1),
        followup_id=followup.pk,
        score=2,
        reason="Leaks again",
        resolved=False,
    )
    followup.refresh_from_db()
    second = followup.second_dispatch
    assert second is not None, "the unresolved follow-up sent a second dispatch"
    desk = centre["provider1"]
    at = MONDAY + timedelta(days=2, hours=3)
    work_order_complete(actor=desk, now=at, order_id=second.pk, work_done="Seal replaced")
    work_order_sign(actor=desk, now=at + timedelta(minutes=1), order_id=second.pk, signer_name="M")
    # A repair reopened by a follow-up and not solved again: not counted.
    reopened = _signed(centre, MONDAY + timedelta(hours=1))
    followups_plan(now=MONDAY + timedelta(hours=3))
    Ticket.objects.filter(pk=reopened.ticket_id).update(
        state=TicketState.TO_DISPATCH, solved_at=None
    )
    # Two enquiries solved on the phone.
    for hours in (1, 2):
        enquiry = make_ticket(
            agent, MONDAY, kind=TicketKind.ENQUIRY, state=TicketState.OPEN, site=None
        )
        ticket_solve(
            actor=agent, now=MONDAY + timedelta(hours=hours), ticket=enquiry, resolution="Told"
        )
    # A complaint settled on the call, one answered by the engineer, an incident closed.
    settled = make_ticket(agent, MONDAY, kind=TicketKind.COMPLAINT, state=TicketState.OPEN)
    Complaint.objects.create(ticket=settled, state=ComplaintState.RECORDED)
    complaint_settle(actor=agent, now=MONDAY + timedelta(hours=3), ticket=settled, outcome="ok")
    answered = make_ticket(
        agent,
        MONDAY,
        kind=TicketKind.COMPLAINT,
        state=TicketState.SOLVED,
        solved_at=MONDAY + timedelta(days=3),
    )
    Complaint.objects.create(ticket=answered, state=ComplaintState.ANSWERED)
    incident = make_ticket(
        agent,
        MONDAY,
        kind=TicketKind.INCIDENT,
        state=TicketState.CLOSED,
        solved_at=MONDAY + timedelta(days=4),
    )
    Incident.objects.create(
        ticket=incident, kind=IncidentKind.PROPERTY_DAMAGE, state="closed", reported_at=MONDAY
    )


def test_d15_weekly_summary_counts_every_solved_case_by_how(
    client, in_english, centre, token_for, week, monkeypatch
):
    monkeypatch.setattr("hotline.clock.now", lambda: MONDAY + timedelta(days=8))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['lead'])}"}
    report = client.get("/api/v1/reports/weekly", {"day": "2026-11-25"}, **auth).json()
    solved = {r["how"]: r["cases"] for r in report["sections"]["solved"]["rows"]}
    assert solved == {
        "Cases solved in the period": 7,
        "by a signed work order (E6)": 2,
        "of which after a second visit (D12)": 1,
        "on the phone or by the promised callback (D2, D11)": 2,
        "complaints settled on the call (D9)": 1,
        "complaints answered by the after-sales engineer (D9)": 1,
        "special incidents closed with the written report (D10)": 1,
    }
    # The floor's phone-only "solved" row is not there to contradict it.
    figures = [r["figure"] for r in report["sections"]["cases"]["rows"]]
    assert "Cases solved" not in figures
    # The page writes the definitions.
    client.force_login(centre["lead"])
    page = client.get(reverse("reports:weekly"), {"day": "2026-11-25"}).content.decode()
    assert "Cases solved, by how" in page
    assert "one of its orders was signed when it was solved" in page


def test_d15_weekly_summary_is_closed_to_providers_and_agents(client, centre, token_for):
    for name in ("provider1", "agent1", "customer1"):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre[name])}"}
        assert client.get("/api/v1/reports/weekly", **auth).status_code == 403


def test_d7_daily_report_counts_the_days_solved_cases_by_how(
    client, in_english, centre, token_for, week, monkeypatch
):
    """Monday 23 November: one signed order, two enquiries on the phone, a complaint settled."""
    monkeypatch.setattr("hotline.clock.now", lambda: MONDAY + timedelta(days=8))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['lead'])}"}
    report = client.get("/api/v1/reports/daily", {"day": "2026-11-23"}, **auth).json()
    solved = {r["how"]: r["cases"] for r in report["sections"]["solved"]["rows"]}
    assert solved["Cases solved in the period"] == 4
    assert solved["by a signed work order (E6)"] == 1
    assert solved["on the phone or by the promised callback (D2, D11)"] == 2
    assert solved["complaints settled on the call (D9)"] == 1
    assert "Cases solved" not in [r["figure"] for r in report["sections"]["cases"]["rows"]]
