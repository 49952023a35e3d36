"""Dispatch and the provider portal over HTTP: refusals 409 naming the rule, strangers 404/403."""

from datetime import timedelta

import pytest

from hotline.dispatch.models import Urge, WorkOrder, WorkOrderReport
from hotline.dispatch.services import work_order_dispatch
from hotline.tickets.choices import TicketState
from hotline.tickets.models import Chase

pytestmark = pytest.mark.django_db

PROVIDER_OPS = [
    ("get", "", None),
    ("post", "/acknowledge", None),
    ("post", "/contact", {"visit_start": "2026-11-23T12:00:00Z", "visit_end": "2026-11-23T13:00Z"}),
    ("post", "/status", {"text": "On the way"}),
    ("post", "/delay", {"reason": "parts", "new_time": "2026-11-25T12:00:00Z"}),
    ("post", "/complete", {"work_done": "Fixed"}),
    ("post", "/sign", {"signer_name": "Maria"}),
]


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


@pytest.fixture
def order(centre, now, ticket):
    return work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket)


def test_d3_board_suggests_and_dispatch_creates_the_order(api, ticket):
    board = api("dispatcher", "get", "/dispatch/board").json()
    assert board["tickets"][0]["ticket"] == ticket.number
    assert board["tickets"][0]["suggested_provider"] == "TechServ Sofia"
    response = api("dispatcher", "post", "/dispatch/orders", {"ticket_id": ticket.pk})
    assert response.status_code == 201
    body = response.json()
    assert body["provider"] == "TechServ Sofia"
    assert body["ticket_copy"]["symptom"] == ticket.symptom
    again = api("dispatcher", "post", "/dispatch/orders", {"ticket_id": ticket.pk})
    assert again.status_code == 409
    assert again.json()["rule"] == "E3"


def test_d3_board_tabs(api, order):
    assert api("dispatcher", "get", "/dispatch/board?tab=late").json()["orders"] == []
    counts = api("dispatcher", "get", "/dispatch/board?tab=providers").json()["by_provider_zone"]
    assert counts[0].pop("zone_label") == "Городская"  # urban, in the dispatcher's Russian
    assert counts == [
        {
            "provider_id": order.provider_id,
            "provider__name": "TechServ Sofia",
            "zone": "urban",
            "open": 1,
            "late": 0,
            "sla_breached": 0,
        }
    ]


def test_d3_dispatch_to_a_provider_of_another_region_is_409(api, centre, ticket):
    varna = centre["provider3"].provider_id
    response = api(
        "dispatcher", "post", "/dispatch/orders", {"ticket_id": ticket.pk, "provider_id": varna}
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "D3"
    ticket.refresh_from_db()
    assert ticket.state == TicketState.TO_DISPATCH


def test_bad_input_is_422_and_changes_nothing(api, ticket):
    assert api("dispatcher", "post", "/dispatch/orders", {"ticket": "x"}).status_code == 422
    assert api("dispatcher", "post", "/dispatch/orders", {"ticket_id": 999999}).status_code == 404
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("username", ["customer1", "agent1", "provider1"])
def test_board_is_closed_to_other_roles(api, username):
    assert api(username, "get", "/dispatch/board").status_code == 403


def test_provider_walks_the_order_to_a_signature(api, order, now):
    base = f"/provider/orders/{order.pk}"
    assert api("provider1", "get", "/provider/orders").json()["orders"][0]["id"] == order.pk
    assert api("provider1", "post", f"{base}/acknowledge").status_code == 200
    start = (now + timedelta(hours=2)).isoformat()
    end = (now + timedelta(hours=3)).isoformat()
    response = api("provider1", "post", f"{base}/contact", {"visit_start": start, "visit_end": end})
    assert response.json()["state"] == "contacted"
    assert api("provider1", "post", f"{base}/status", {"text": "On site"}).status_code == 200
    done = api(
        "provider1",
        "post",
        f"{base}/complete",
        {"work_done": "New pump", "option_chosen": "repair"},
    )
    assert done.json()["state"] == "completed"
    signed = api("provider1", "post", f"{base}/sign", {"signer_name": "Maria Ivanova"})
    assert signed.json()["state"] == "signed"
    assert len(signed.json()["signature_hash"]) == 64
    again = api("provider1", "post", f"{base}/status", {"text": "one more thing"})
    assert again.status_code == 409
    assert again.json()["rule"] == "E6"


def test_c3_delay_without_reason_is_409_and_changes_nothing(api, order):
    response = api(
        "provider1", "post", f"/provider/orders/{order.pk}/delay", {"new_time": "2026-11-25T10:00Z"}
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "C3"
    assert not WorkOrderReport.objects.exists()


def test_c1_bad_visit_window_is_409(api, order):
    response = api(
        "provider1",
        "post",
        f"/provider/orders/{order.pk}/contact",
        {"visit_start": "2026-11-23T14:00Z", "visit_end": "2026-11-23T13:00Z"},
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "C1"


@pytest.mark.parametrize(("method", "suffix", "body"), PROVIDER_OPS)
def test_another_provider_sees_nothing(api, order, method, suffix, body):
    response = api("provider2", method, f"/provider/orders/{order.pk}{suffix}", body)
    assert response.status_code == 404
    assert order.number not in response.content.decode()
    assert api("provider2", "get", "/provider/orders?filter=all").json()["orders"] == []
    assert not WorkOrderReport.objects.exists()


def test_staff_and_customers_cannot_use_provider_ops(api, order):
    for username in ("dispatcher", "customer1", "agent1"):
        response = api(username, "post", f"/provider/orders/{order.pk}/acknowledge")
        assert response.status_code == 403


def test_work_order_get_scoped(api, order):
    assert api("dispatcher", "get", f"/dispatch/orders/{order.pk}").status_code == 200
    assert api("agent1", "get", f"/dispatch/orders/{order.pk}").status_code == 200
    assert api("provider1", "get", f"/dispatch/orders/{order.pk}").status_code == 403


def test_d5_urge_and_d8_chase(api, order):
    response = api("dispatcher", "post", f"/dispatch/orders/{order.pk}/urge", {})
    assert response.status_code == 200
    assert response.json()["reason"] == "no_feedback"
    bad = api("dispatcher", "post", f"/dispatch/orders/{order.pk}/urge", {"reason": "boredom"})
    assert bad.status_code == 422  # not one of the UrgeReason codes the OpenAPI lists
    assert bad.json()["detail"][0]["loc"][-1] == "reason"
    chase = api("agent1", "post", "/dispatch/chases", {"ticket_id": order.ticket_id, "note": "?"})
    assert chase.status_code == 201
    assert Chase.objects.count() == 1
    assert Urge.objects.count() == 2
    reply = f"/dispatch/chases/{chase.json()['id']}/reply"
    assert api("agent1", "post", reply, {"note": ""}).json()["rule"] == "D8"
    assert api("agent1", "post", reply, {"note": "Tomorrow 9:00"}).status_code == 200
    assert Chase.objects.get().replied_at is not None
    assert api("agent1", "post", "/dispatch/chases/999/reply", {"note": "x"}).status_code == 404
    assert (
        api("provider1", "post", "/dispatch/chases", {"ticket_id": order.ticket_id}).status_code
        == 403
    )
