"""Bounds and strangers of every dispatch and provider operation: bad input is a clear 4xx JSON
(or the page's form error, with what was typed kept) and changes nothing; another provider's
order is a 404 that leaks nothing; D8 chases are answered by who promised them (B10)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.dispatch.models import Urge, WorkOrder, WorkOrderReport
from hotline.dispatch.services import chase_record, work_order_dispatch
from hotline.tickets.models import Chase, Ticket

pytestmark = pytest.mark.django_db
TOO_LONG = "x" * 2001


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


@pytest.fixture
def order(centre, now, ticket):
    return work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)


def _unchanged(order: WorkOrder) -> None:
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert (fresh.state, fresh.visit_start, fresh.work_done, fresh.signer_name) == (
        order.state,
        order.visit_start,
        order.work_done,
        order.signer_name,
    )
    assert not WorkOrderReport.objects.filter(work_order=order).exists()


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("/status", {"text": TOO_LONG}),
        ("/delay", {"reason": "weather", "new_time": "2026-11-25T10:00Z", "text": TOO_LONG}),
        ("/delay", {"reason": "boredom", "new_time": "2026-11-25T10:00Z"}),
        ("/delay", {"reason": "parts", "new_time": "2026-11-25T10:00:00"}),  # no offset
        ("/contact", {"visit_start": "2026-11-23T12:00:00", "visit_end": "2026-11-23T13:00Z"}),
        ("/complete", {"work_done": TOO_LONG}),
        ("/complete", {"work_done": "ok", "option_chosen": "miracle"}),
        ("/sign", {"signer_name": "M" * 151}),
    ],
)
def test_c3_c1_d4_e6_provider_bad_input_is_422_and_changes_nothing(api, order, suffix, body):
    answer = api("provider1", "post", f"/provider/orders/{order.pk}{suffix}", body)
    assert answer.status_code == 422
    assert isinstance(answer.json()["detail"], list)
    _unchanged(order)


@pytest.mark.parametrize(
    ("suffix", "body", "rule"),
    [
        ("/contact", {"visit_start": "2099-12-31T10:00Z", "visit_end": "2099-12-31T12:00Z"}, "C1"),
        ("/delay", {"reason": "parts", "new_time": "2099-12-31T10:00Z"}, "C3"),
    ],
)
def test_c1_c3_a_time_years_ahead_is_refused_and_changes_nothing(api, order, suffix, body, rule):
    answer = api("provider1", "post", f"/provider/orders/{order.pk}{suffix}", body)
    assert answer.status_code == 409
    assert answer.json()["rule"] == rule
    assert "366" in answer.json()["detail"]  # the bound, in the provider's words
    _unchanged(order)


def test_c1_a_visit_within_the_year_is_agreed(api, order, now):
    start = now + timedelta(days=300)
    body = {"visit_start": start.isoformat(), "visit_end": (start + timedelta(hours=2)).isoformat()}
    assert api("provider1", "post", f"/provider/orders/{order.pk}/contact", body).status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/dispatch/orders", {"ticket_id": 0}),
        ("/dispatch/orders", {"ticket_id": 2**63}),
        ("/dispatch/orders", {"ticket_id": 1, "channel": "pigeon"}),
        ("/dispatch/chases", {"ticket_id": 1, "note": TOO_LONG}),
    ],
)
def test_d3_d8_dispatcher_bad_input_is_422_and_changes_nothing(api, ticket, path, body):
    answer = api("dispatcher", "post", path, body)
    assert answer.status_code == 422
    assert not WorkOrder.objects.exists()
    assert not Chase.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/dispatch/orders/0",
        "/dispatch/orders/9223372036854775808",
        "/dispatch/board?tab=everything",
        "/dispatch/board?page=0",
    ],
)
def test_dispatch_reads_out_of_range_are_422(api, path):
    assert api("dispatcher", "get", path).status_code == 422


def test_d5_urge_bad_reason_or_id_is_422(api, order):
    assert api("dispatcher", "post", "/dispatch/orders/0/urge", {}).status_code == 422
    bad = api("dispatcher", "post", f"/dispatch/orders/{order.pk}/urge", {"reason": "x" * 99})
    assert bad.status_code == 422
    assert not Urge.objects.exists()


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("/status", {"text": "On site"}),
        ("/delay", {"reason": "parts", "new_time": "2026-11-25T10:00Z"}),
        ("/complete", {"work_done": "ok"}),
    ],
)
def test_d4_another_providers_order_is_404_and_leaks_nothing(api, order, suffix, body):
    answer = api("provider2", "post", f"/provider/orders/{order.pk}{suffix}", body)
    assert answer.status_code == 404
    assert order.number not in answer.content.decode()
    assert order.ticket.customer.name not in answer.content.decode()
    _unchanged(order)


def test_d8_chase_reply_on_a_case_the_agent_cannot_open_is_404_and_changes_nothing(
    api, centre, now, order
):
    chase = chase_record(actor=centre["agent1"], now=now, ticket=order.ticket, note="Where?")
    reply = f"/dispatch/chases/{chase.pk}/reply"
    answer = api("agent2", "post", reply, {"note": "Tomorrow"})
    assert answer.status_code == 404  # like a chase that does not exist: nothing to enumerate
    assert str(centre["agent1"]) not in answer.content.decode()
    chase.refresh_from_db()
    assert chase.replied_at is None
    assert api("agent2", "post", reply, {"note": TOO_LONG}).status_code == 422
    assert api("lead", "post", reply, {"note": "Tomorrow 9:00"}).status_code == 200  # the lead may
    chase.refresh_from_db()
    assert chase.replied_at == now


def test_b10_d8_the_new_owner_does_not_give_the_reply_another_agent_promised(
    api, centre, now, order
):
    chase = chase_record(actor=centre["agent1"], now=now, ticket=order.ticket, note="Where?")
    Ticket.objects.filter(pk=order.ticket_id).update(owner=centre["agent2"])
    answer = api("agent2", "post", f"/dispatch/chases/{chase.pk}/reply", {"note": "Tomorrow"})
    assert answer.status_code == 409
    assert answer.json()["rule"] == "B10"
    chase.refresh_from_db()
    assert chase.replied_at is None


def test_d8_chase_by_a_provider_or_customer_is_403(api, order):
    for name in ("provider1", "customer1"):
        body = {"ticket_id": order.ticket_id, "note": "?"}
        assert api(name, "post", "/dispatch/chases", body).status_code == 403
    assert not Chase.objects.exists()


def test_d4_portal_form_too_long_is_422_and_keeps_what_was_typed(client, in_english, centre, order):
    client.force_login(centre["provider1"])
    url = reverse("provider:action", args=[order.pk])
    typed = "Waiting for the pump " * 100  # 2100 characters
    answer = client.post(url, {"action": "status", "text": typed})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Report is too long: at most 2000 characters." in page
    assert typed.strip() in page  # the textarea still holds it
    _unchanged(order)


def test_c3_portal_refusal_keeps_what_was_typed(client, in_english, centre, order):
    client.force_login(centre["provider1"])
    url = reverse("provider:action", args=[order.pk])
    answer = client.post(url, {"action": "delay", "reason": "", "text": "Parts come on Friday"})
    assert answer.status_code == 409
    assert "Parts come on Friday" in answer.content.decode()
    _unchanged(order)


def test_c1_pages_stand_a_year_9999_visit_stored_before_the_bounds(client, centre, now, order):
    """Stored before inputs were bounded: 23:00 UTC on 31 Dec 9999 is year 10000 in Sofia."""
    from datetime import UTC, datetime

    far = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    WorkOrder.objects.filter(pk=order.pk).update(
        visit_start=far - timedelta(hours=1),
        visit_end=far,
        response_due=far,
        sla_due=far,
        late_at=now,
    )
    client.force_login(centre["dispatcher"])
    page = client.get(reverse("dispatch:order", args=[order.pk]))
    assert page.status_code == 200
    assert "31 декабря 9999 г., 23:00" in page.content.decode()  # shown in UTC: Sofia can't hold it
    late = client.get(reverse("dispatch:board"), {"tab": "late"})
    assert order.number in late.content.decode()
    client.force_login(centre["provider1"])
    assert client.get(reverse("provider:order", args=[order.pk])).status_code == 200
    assert order.number in client.get(reverse("provider:orders")).content.decode()
    assert client.get(f"/api/v1/dispatch/orders/{order.pk}").status_code == 403  # not staff


@pytest.mark.parametrize("name", ["provider1", "agent1", "customer1"])
def test_d3_d5_dispatch_and_urge_by_other_roles_are_403_and_change_nothing(api, order, name):
    ticket_id = order.ticket_id
    assert api(name, "post", "/dispatch/orders", {"ticket_id": ticket_id}).status_code == 403
    assert api(name, "post", f"/dispatch/orders/{order.pk}/urge", {}).status_code == 403
    assert WorkOrder.objects.count() == 1
    assert not Urge.objects.exists()


def test_d8_chase_on_another_agents_case_answers_as_a_missing_one(api, centre, order):
    """No enumeration: a case the agent may not open and one that does not exist look alike."""
    hidden = api("agent2", "post", "/dispatch/chases", {"ticket_id": order.ticket_id})
    missing = api("agent2", "post", "/dispatch/chases", {"ticket_id": 999_999})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not Chase.objects.exists()
    assert (
        api("agent1", "post", "/dispatch/chases", {"ticket_id": order.ticket_id}).status_code == 201
    )


def test_orders_follow_the_case_an_agent_reads_only_their_own(api, client, centre, order):
    """API, page and service report PDF: the owner (agent1) reads, another agent finds nothing."""
    assert api("agent1", "get", f"/dispatch/orders/{order.pk}").status_code == 200
    hidden = api("agent2", "get", f"/dispatch/orders/{order.pk}")
    assert hidden.status_code == 404
    assert order.ticket.customer.name not in hidden.content.decode()
    client.force_login(centre["agent2"])
    for name in ("dispatch:order", "dispatch:report"):
        assert client.get(reverse(name, args=[order.pk])).status_code == 404
    client.force_login(centre["agent1"])
    assert client.get(reverse("dispatch:order", args=[order.pk])).status_code == 200
