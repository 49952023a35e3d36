"""Tickets sit below dispatch, follow-up, workforce, reports and the portal (issue 16): they
import none of them, at module level or inside a function (read with `ast`; tests and migrations
may import what they like). What they need from dispatch comes through hooks dispatch fills in
its AppConfig.ready(): the providers' loads (A5) and the page's "customer chased" action (D8).
Without them the tickets app still works: checked here with the hooks emptied."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from hotline.directory.models import Provider
from hotline.directory.tests.test_layering import _hotline_imports
from hotline.dispatch.services import work_order_dispatch
from hotline.dispatch.tests.conftest import make_ticket
from hotline.tickets import services
from hotline.tickets.models import Chase, Ticket
from hotline.tickets.services import window
from hotline.tickets.tests.conftest import text
from hotline.tickets.tests.test_services_support import new_case, refused
from hotline.tickets.views import cases

TICKETS = Path(__file__).resolve().parent.parent
ABOVE = frozenset(
    {"dispatch", "followup", "workforce", "reports", "portal", "home", "management", "demo"}
)


def imports_above(app: Path, above: frozenset[str]) -> dict[str, list[str]]:
    """The app's sources (not its tests or migrations) that import a module of `above`."""
    sources = sorted(
        p for p in app.rglob("*.py") if not {"tests", "migrations"} & set(p.relative_to(app).parts)
    )
    assert sources, app
    return {
        str(path.relative_to(app)): found
        for path in sources
        if (
            found := [
                m
                for m in _hotline_imports(path.read_text(encoding="utf-8"))
                if m.split(".")[1] in above
            ]
        )
    }


def test_tickets_import_no_app_above_them() -> None:
    assert imports_above(TICKETS, ABOVE) == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    (tmp_path / "views.py").write_text("def f():\n    from hotline.dispatch import services\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("from hotline.dispatch import models\n")
    assert imports_above(tmp_path, ABOVE) == {"views.py": ["hotline.dispatch"]}


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
