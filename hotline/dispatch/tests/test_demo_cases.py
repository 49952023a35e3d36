"""`hotline demo` shows cases: every dispatch state, made through the services."""

import pytest
from django.urls import reverse

from hotline.accounts.services import api_token_create
from hotline.demo import seed_demo_cases
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.models import WorkOrder
from hotline.tickets.choices import TicketState
from hotline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_dispatch_state(client, centre, now):
    assert seed_demo_cases(now) == 9
    states = set(Ticket.objects.values_list("state", flat=True))
    assert {TicketState.TO_DISPATCH, TicketState.BOUNCED, TicketState.SOLVED} <= states
    orders = set(WorkOrder.objects.values_list("state", flat=True))
    assert {
        WorkOrderState.DISPATCHED,
        WorkOrderState.CONTACTED,
        WorkOrderState.COMPLETED,
        WorkOrderState.SIGNED,
    } <= orders
    assert WorkOrder.objects.filter(late_at__isnull=False).count() == 1
    assert seed_demo_cases(now) == 0  # once

    client.force_login(centre["provider1"])
    assert client.get(reverse("provider:orders")).context["orders"]
    client.force_login(centre["dispatcher"])
    for tab in ("to_dispatch", "bounced", "late"):
        assert client.get(reverse("dispatch:board"), {"tab": tab}).context["board"].rows, tab
    signed = WorkOrder.objects.get(state=WorkOrderState.SIGNED)
    client.force_login(centre["customer1"])
    assert client.get(reverse("dispatch:report", args=[signed.pk])).status_code == 200


def test_demo_tickets_carry_the_promises_their_services_would_have_made(client, centre, now):
    """The demo wrote its tickets without C2's promises, and setting a visit window on one of
    them was a server error (the window is checked against the response due)."""
    seed_demo_cases(now)
    assert not Ticket.objects.filter(response_due__isnull=True).exists()
    ticket = Ticket.objects.filter(state=TicketState.TO_DISPATCH).order_by("pk").first()
    assert ticket is not None, "the demo has a case to dispatch"
    token = api_token_create(actor=None, now=now, user=centre["agent1"])[1]
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/window",
        {"start": "2026-11-24T08:00:00Z", "end": "2026-11-24T10:00:00Z"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code < 500, response.content
