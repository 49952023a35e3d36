"""Fixtures of the cases' tests: a clock that moves, the API as each role calls it, and the
sites, tickets and forms the page tests share."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.calls.choices import CallState
from hotline.calls.models import Call, Queue
from hotline.directory.models import Customer, CustomerSite
from hotline.testing.cases import sofia_site
from hotline.testing.clock import MovingClock
from hotline.tickets.choices import TicketKind
from hotline.tickets.models import FaultCategory, Ticket
from hotline.tickets.services import ticket_create
from hotline.tickets.tests.test_services_support import walked


@pytest.fixture
def clock(monkeypatch, now) -> MovingClock:  # type: ignore[no-untyped-def]
    moving = MovingClock(now)
    monkeypatch.setattr("hotline.clock.now", moving)
    return moving


@pytest.fixture
def call_api(client, centre, token_for):  # type: ignore[no-untyped-def]
    """`call_api(username, method, "/api/v1/...", body)` with that user's bearer token."""
    tokens: dict[str, str] = {}

    def call(username, method, path, body=None):  # type: ignore[no-untyped-def]
        if username not in tokens:
            tokens[username] = token_for(centre[username])
        return client.generic(
            method.upper(),
            path,
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[username]}",
        )

    return call


@pytest.fixture
def site():
    return sofia_site()


@pytest.fixture
def customer(site: CustomerSite) -> Customer:
    return site.customer


@pytest.fixture
def category() -> FaultCategory:
    return FaultCategory.objects.get(code="no-power")


@pytest.fixture
def call(centre, now, customer) -> Call:
    return Call.objects.create(
        queue=Queue.objects.get(code="repairs"),
        caller_number=customer.phone,
        customer=customer,
        state=CallState.CONNECTED,
        arrived_at=now - timedelta(minutes=2),
        agent=centre["agent1"],
        answered_at=now - timedelta(minutes=1),
    )


def open_ticket(centre, now, site, **extra) -> Ticket:
    """A repair as the agent opens it: customer, site, equipment and category, its script
    walked through (E4), nothing else."""
    extra.setdefault("script_answers", walked(FaultCategory.objects.get(code="no-power")))
    return ticket_create(
        actor=extra.pop("actor", centre["agent1"]),
        now=now,
        customer=site.customer,
        kind=extra.pop("kind", TicketKind.REPAIR),
        site=site,
        equipment=site.equipment.first(),
        category=FaultCategory.objects.get(code="no-power"),
        **extra,
    )


def post_facts(client, ticket, action="edit", **facts):
    data = {
        "action": action,
        "symptom": ticket.symptom,
        "steps_tried": ticket.steps_tried,
        "contact_name": ticket.contact_name,
        "contact_phone": ticket.contact_phone,
        "site": ticket.site_id or "",
        "equipment": ticket.equipment_id or "",
        "category": ticket.category_id or "",
        "special_request": ticket.special_request,
        **_ticks(ticket),
        **facts,
    }
    return client.post(reverse("tickets:act", args=[ticket.pk]), data)


def _ticks(ticket: Ticket) -> dict[str, str]:
    """E4: the page's script ticks as the ticket's answers are (an unticked step is undone)."""
    done = {a["step"] for a in ticket.script_answers if a.get("done")}
    steps = ticket.category.steps if ticket.category and not ticket.updates_id else []
    return {f"step_{n}": "on" for n, step in enumerate(steps) if step in done}


def ready_ticket(client, centre, now, site, **extra) -> Ticket:
    """A repair with every fact a technician needs (E3) and a visit window (A5 / C1)."""
    ticket = open_ticket(centre, now, site, **extra)
    client.force_login(centre["agent1"])
    response = post_facts(
        client,
        ticket,
        symptom="Does not switch on, no light on the display",
        steps_tried="Tried another socket",
    )
    assert response.status_code == 302
    response = client.post(
        reverse("tickets:act", args=[ticket.pk]),
        {"action": "window", "start": "2026-11-23T13:00", "end": "2026-11-23T15:00"},
    )
    assert response.status_code == 302, response.content.decode()
    ticket.refresh_from_db()
    return ticket


def text(response) -> str:
    content: bytes = response.content
    return content.decode()
