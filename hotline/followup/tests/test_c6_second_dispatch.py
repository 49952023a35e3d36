"""C6 / D12: an unresolved follow-up when the region's providers are full is recorded (score and
reason kept), the case reopened, and the second dispatch put on the dispatcher's board, flagged;
the dispatcher's order is linked to the first. Bounds and strangers of the follow-up API."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.audit.models import Event
from hotline.directory.models import Provider
from hotline.dispatch.models import WorkOrder
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.followup.services import followups_plan
from hotline.followup.tests.test_services import DUE
from hotline.testing.cases import completed_order
from hotline.testing.clock import MovingClock
from hotline.tickets.choices import TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    moving = MovingClock(DUE)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def followup(centre, now) -> FollowUp:  # type: ignore[no-untyped-def]
    order = completed_order(centre, now)
    followups_plan(now=now + timedelta(minutes=10))
    return FollowUp.objects.get(work_order=order)


def _region_full(followup: FollowUp) -> list[Provider]:
    region_providers = list(Provider.objects.filter(regions=followup.work_order.region))
    Provider.objects.filter(pk__in=[p.pk for p in region_providers]).update(capacity=0)
    return region_providers


def test_c6_d12_unresolved_follow_up_with_the_region_full_waits_on_the_board(
    api, client, in_english, centre, clock, followup
):
    region_providers = _region_full(followup)
    body = {"score": 2, "reason": "Still leaking under the sink", "resolved": False}
    answer = api("agent2", "post", f"/followups/{followup.pk}/record", body)
    assert answer.status_code == 200, answer.content
    result = answer.json()
    assert result["state"] == FollowUpState.UNRESOLVED
    assert (result["score"], result["reason"]) == (2, "Still leaking under the sink")
    assert result["second_dispatch_id"] is None
    assert result["second_dispatch_waiting"] is True
    ticket = followup.ticket
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH  # reopened
    assert Event.objects.filter(action="second_dispatch_waiting", rule="D12").count() == 1
    # The dispatcher's to-dispatch list flags it as a second dispatch of the first order.
    board = api("dispatcher", "get", "/dispatch/board").json()
    row = next(r for r in board["tickets"] if r["ticket_id"] == ticket.pk)
    assert row["second_dispatch_of"] == followup.work_order.number
    assert row["followup_reason"] == "Still leaking under the sink"
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:board")).content.decode()
    assert "Second dispatch (D12)" in page
    assert f"unresolved after {followup.work_order.number}" in page
    # Room again: the dispatcher sends it, and the order is linked to the first.
    Provider.objects.filter(pk=region_providers[0].pk).update(capacity=5)
    clock.now = DUE + timedelta(hours=1)
    sent = api("dispatcher", "post", "/dispatch/orders", {"ticket_id": ticket.pk})
    assert sent.status_code == 201, sent.content
    second = WorkOrder.objects.get(pk=sent.json()["id"])
    assert second.second_dispatch_of_id == followup.work_order_id
    assert sent.json()["ticket_copy"]["repeat_of"]["reason"] == "Still leaking under the sink"
    again = api("agent2", "get", f"/followups/{followup.pk}").json()
    assert again["second_dispatch_id"] == second.pk
    assert again["second_dispatch_waiting"] is False
    board = api("dispatcher", "get", "/dispatch/board").json()
    assert ticket.pk not in [r["ticket_id"] for r in board["tickets"]]


def test_c6_d12_page_tells_the_agent_the_second_visit_waits(
    client, in_english, centre, clock, followup
):
    _region_full(followup)
    client.force_login(centre["agent2"])
    url = reverse("followup:act", args=[followup.pk])
    form = {"action": "record", "score": "1", "reason": "No hot water", "resolved": "no"}
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "board as a second dispatch" in page
    followup.refresh_from_db()
    assert (followup.score, followup.reason) == (1, "No hot water")


@pytest.mark.parametrize(
    "body",
    [
        {"score": 0, "reason": "x", "resolved": False},
        {"score": 6, "reason": "x", "resolved": False},
        {"score": 3, "reason": "x" * 2001, "resolved": False},
        {"score": 3, "reason": "x", "resolved": "maybe"},
        {"score": 3, "reason": "x"},
    ],
)
def test_c6_record_bad_input_is_422_and_changes_nothing(api, clock, followup, body):
    answer = api("agent2", "post", f"/followups/{followup.pk}/record", body)
    assert answer.status_code == 422
    assert isinstance(answer.json()["detail"], list)
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE
    assert followup.score is None
    assert followup.ticket.state == TicketState.SOLVED


def test_d12_release_note_too_long_is_422(api, clock, followup):
    api("agent2", "post", f"/followups/{followup.pk}/take")
    answer = api("agent2", "post", f"/followups/{followup.pk}/release", {"note": "n" * 2001})
    assert answer.status_code == 422
    followup.refresh_from_db()
    assert (followup.state, followup.attempts) == (FollowUpState.TAKEN, 0)


@pytest.mark.parametrize("path", ["/followups/0", "/followups/9223372036854775808"])
def test_d12_follow_up_id_out_of_range_is_422(api, path):
    assert api("agent2", "get", path).status_code == 422


def test_d12_bad_filter_is_422(api):
    assert api("agent2", "get", "/followups?filter=everything").status_code == 422


@pytest.mark.parametrize("name", ["provider1", "customer1", "dispatcher"])
def test_c6_record_by_another_role_is_refused_and_changes_nothing(api, clock, followup, name):
    body = {"score": 2, "reason": "x", "resolved": False}
    answer = api(name, "post", f"/followups/{followup.pk}/record", body)
    assert answer.status_code == 403
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE


def test_d12_early_take_refusal_states_the_due_time_in_sofia(api, clock, followup):
    clock.now = DUE - timedelta(hours=1)
    answer = api("agent2", "post", f"/followups/{followup.pk}/take")
    assert answer.status_code == 409
    assert "2026-11-24 09:30 (Europe/Sofia)" in answer.json()["detail"]  # DUE is 07:30 UTC
    assert "+00:00" not in answer.json()["detail"]
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE


def test_c6_page_too_long_reason_is_422_kept_as_typed_and_changes_nothing(
    client, in_english, centre, clock, followup
):
    client.force_login(centre["agent2"])
    client.post(reverse("followup:act", args=[followup.pk]), {"action": "take"})
    typed = "The tap drips again " * 110  # 2200 characters
    form = {"action": "record", "score": "2", "reason": typed, "resolved": "no"}
    answer = client.post(reverse("followup:act", args=[followup.pk]), form)
    assert answer.status_code == 422
    assert "at most 2000 characters" in answer.content.decode()
    assert typed.strip() in answer.content.decode()
    followup.refresh_from_db()
    assert (followup.state, followup.score) == (FollowUpState.TAKEN, None)


def test_d12_without_the_follow_up_hooks_dispatch_sends_a_plain_order(
    api, centre, clock, followup, monkeypatch
):
    """Dispatch imports nothing of follow-up (issue 16): with the hooks it registers emptied, the
    board shows no repeat visit and the order goes out unlinked, the follow-up still waiting."""
    region_providers = _region_full(followup)
    body = {"score": 1, "reason": "Still leaking", "resolved": False}
    assert api("agent2", "post", f"/followups/{followup.pk}/record", body).status_code == 200
    monkeypatch.setattr("hotline.dispatch.services.dispatch._dispatch_listeners", [])
    monkeypatch.setattr("hotline.dispatch.selectors._repeat_sources", [])
    board = api("dispatcher", "get", "/dispatch/board").json()
    row = next(r for r in board["tickets"] if r["ticket_id"] == followup.ticket_id)
    assert (row["second_dispatch_of"], row["followup_reason"]) == (None, None)
    Provider.objects.filter(pk=region_providers[0].pk).update(capacity=5)
    clock.now = DUE + timedelta(hours=1)
    sent = api("dispatcher", "post", "/dispatch/orders", {"ticket_id": followup.ticket_id})
    assert sent.status_code == 201, sent.content
    assert WorkOrder.objects.get(pk=sent.json()["id"]).second_dispatch_of_id is None
    assert "repeat_of" not in sent.json()["ticket_copy"]
    assert not Event.objects.filter(action="second_dispatch").exists()
    followup.refresh_from_db()
    assert (followup.state, followup.second_dispatch_id) == (FollowUpState.UNRESOLVED, None)
