"""D13: a complaint is charged to the provider of the work order it is about (the one it
recorded), not to whoever holds the case's newest order when the month is reported; a complaint
recorded before complaints named their order falls back to the case's newest order."""

from datetime import timedelta

import pytest

from hotline.directory.models import Provider
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import work_order_complete, work_order_dispatch, work_order_sign
from hotline.followup.models import FollowUp
from hotline.followup.services import followup_record, followups_plan
from hotline.testing.cases import make_ticket
from hotline.testing.times import utc
from hotline.tickets.choices import TicketKind
from hotline.tickets.models import Complaint
from hotline.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
MONDAY = utc(2026, 11, 2, 8)  # 10:00 in Sofia


@pytest.fixture
def two_orders(centre, monkeypatch):  # type: ignore[no-untyped-def]
    """A repair done by A; the customer complains about it; the follow-up finds it unresolved
    and, A no longer serving the region, the second visit goes to B."""
    agent, desk = centre["agent1"], centre["provider1"]
    case = make_ticket(agent, MONDAY)
    first = work_order_dispatch(actor=centre["dispatcher"], now=MONDAY, ticket=case)
    a = first.provider
    b = Provider.objects.exclude(pk=a.pk).order_by("pk").first()
    assert b is not None, "the demo has a second provider"
    assert case.site is not None
    b.regions.add(case.site.region)
    at = MONDAY + timedelta(hours=2)
    work_order_complete(actor=desk, now=at, order_id=first.pk, work_done="Pump replaced")
    work_order_sign(actor=desk, now=at + timedelta(minutes=5), order_id=first.pk, signer_name="M")
    complaint = ticket_create(
        actor=agent,
        now=MONDAY + timedelta(days=1),
        customer=case.customer,
        kind=TicketKind.COMPLAINT,
        updates=case,
        site=case.site,
        symptom="Техникът не оправи нищо",
    )
    a.regions.remove(case.site.region)  # set-up: A stops serving the region
    followups_plan(now=MONDAY + timedelta(days=2))
    followup_record(
        actor=centre["agent2"],
        now=MONDAY + timedelta(days=2, hours=1),
        followup_id=FollowUp.objects.get(work_order=first).pk,
        score=1,
        reason="Leaks again",
        resolved=False,
    )
    second = WorkOrder.objects.filter(ticket=case).exclude(pk=first.pk).get()
    assert second.provider == b
    monkeypatch.setattr("hotline.clock.now", lambda: utc(2026, 12, 2, 8))
    return {"a": a, "b": b, "complaint": complaint, "case": case, "first": first}


def _quality(client, token_for, user):  # type: ignore[no-untyped-def]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
    response = client.get("/api/v1/reports/monthly", {"month": "2026-11"}, **auth)
    assert response.status_code == 200, response.content
    return {r["provider"]: r for r in response.json()["sections"]["quality"]["rows"]}


def test_d13_complaint_is_charged_to_the_order_it_is_about(client, centre, token_for, two_orders):
    assert Complaint.objects.get(ticket=two_orders["complaint"]).work_order == two_orders["first"]
    rows = _quality(client, token_for, centre["manager"])
    assert rows[two_orders["a"].name]["complaints"] == 1
    assert rows[two_orders["b"].name]["complaints"] == 0


def test_d13_an_old_complaint_without_its_order_falls_back_to_the_newest(
    client, centre, token_for, two_orders
):
    Complaint.objects.filter(ticket=two_orders["complaint"]).update(work_order=None)
    rows = _quality(client, token_for, centre["manager"])
    assert rows[two_orders["a"].name]["complaints"] == 0
    assert rows[two_orders["b"].name]["complaints"] == 1


def test_d13_a_provider_reads_only_its_own_complaints(client, centre, token_for, two_orders):
    a, b = two_orders["a"], two_orders["b"]
    assert centre["provider1"].provider == a
    rows = _quality(client, token_for, centre["provider1"])
    assert list(rows) == [a.name]
    assert rows[a.name]["complaints"] == 1
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['provider1'])}"}
    other = client.get("/api/v1/reports/monthly", {"month": "2026-11", "provider": b.name}, **auth)
    assert other.status_code == 404


def test_d13_monthly_report_is_closed_to_agents(client, centre, token_for):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['agent1'])}"}
    response = client.get("/api/v1/reports/monthly", {"month": "2026-11"}, **auth)
    assert response.status_code == 403


def test_d13_monthly_report_bad_month_is_a_422(client, centre, token_for):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre['manager'])}"}
    response = client.get("/api/v1/reports/monthly", {"month": "2026-13"}, **auth)
    assert response.status_code == 422
    assert response.json()["detail"]
