"""Tickets sit below dispatch (hotline/core/tests/test_layers.py): what they need from it comes
through hooks dispatch fills in its AppConfig.ready(): the providers' loads (A5) and the page's
"customer chased" action (D8). Without them the tickets app still works: checked here with the
hooks emptied."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.directory.models import Provider
from hotline.dispatch.services import work_order_dispatch
from hotline.testing.cases import make_ticket
from hotline.tickets import services
from hotline.tickets.models import Chase, Ticket
from hotline.tickets.services import window
from hotline.tickets.tests.conftest import text
from hotline.tickets.tests.test_services_support import new_case, refused
from hotline.tickets.views import cases


def _fill_the_region(centre, now) -> None:  # type: ignore[no-untyped-def]
    """Every Sofia provider carries one open order against a capacity of one."""
    for provider in Provider.objects.filter(regions__code="sofia"):
        Provider.objects.filter(pk=provider.pk).update(capacity=1)
        ticket = make_ticket(centre["agent1"], now - timedelta(hours=1))
        work_order_dispatch(actor=centre["dispatcher"], now=now, ticket=ticket, provider=provider)


@pytest.mark.django_db
def test_a5_the_open_orders_dispatch_counts_fill_the_region(centre, now, monkeypatch):
    _fill_the_region(centre, now)
    ticket = new_case(centre["agent1"], now)
    start = now + timedelta(hours=2)
    window_set = {"actor": centre["agent1"], "now": now, "ticket": ticket, "start": start}
    window_set["end"] = start + timedelta(hours=2)
    refusal = refused("A5", services.ticket_set_window, **window_set)
    assert "capacity" in refusal.message
    assert Ticket.objects.get(pk=ticket.pk).window_start is None
    # Without dispatch no order is counted: a provider with any capacity has room.
    monkeypatch.setattr(window, "_provider_loads", [])
    assert services.ticket_set_window(**window_set).window_start == start
    Provider.objects.filter(regions__code="sofia").update(capacity=0)
    refused("A5", services.ticket_set_window, **window_set)


@pytest.mark.django_db
def test_d8_without_dispatch_the_ticket_page_offers_no_chase(client, centre, now, monkeypatch):
    ticket = make_ticket(centre["agent1"], now)
    client.force_login(centre["agent1"])
    monkeypatch.delitem(cases.ACTIONS, "chase")
    page = text(client.get(reverse("tickets:detail", args=[ticket.pk])))
    assert 'id="chase"' not in page
    chased = client.post(reverse("tickets:chase", args=[ticket.pk]), {"chase-note": "Twice"})
    assert chased.status_code == 400
    assert not Chase.objects.exists()
