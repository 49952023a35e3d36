"""The dispatch board (issue 17): ticket numbers link to the case, tickets past D2 stand out (a
class and words), the clocks still running are said in words (the label each kind registered
with its handler, never a key like `d4.contact`), times in the centre's zone (Europe/Sofia:
08:00 UTC is 10:00), and the lists refresh themselves without the forms being in the swap."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from hotline.deadlines.services import deadline_set
from hotline.dispatch.models import WorkOrder
from hotline.dispatch.services import work_order_dispatch
from hotline.testing.cases import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    monkeypatch.setattr("hotline.clock.now", lambda: now)


def board(client, centre, tab="to_dispatch") -> str:
    client.force_login(centre["dispatcher"])
    response = client.get(reverse("dispatch:board"), {"tab": tab})
    assert response.status_code == 200
    return str(response.content.decode())


def ticket_row(page: str, number: str) -> str:
    found = re.search(rf"<tr[^>]*>\s*<td><a [^>]*><strong>{number}</strong>.*?</tr>", page, re.S)
    assert found, page
    return found.group(0)


def d2_ticket(centre, created_at):
    """A case not solved on the phone: D2 gives it 10 minutes to become a work order."""
    ticket = make_ticket(
        centre["agent1"], created_at, work_order_due=created_at + timedelta(minutes=10)
    )
    deadline_set(
        kind="d2.work_order",
        rule="D2",
        due_at=created_at + timedelta(minutes=10),
        now=created_at,
        ticket=ticket,
    )
    return ticket


def test_d2_a_ticket_past_its_work_order_time_stands_out(client, centre, now):
    late = d2_ticket(centre, now - timedelta(minutes=12))
    row = ticket_row(board(client, centre), late.number)
    assert 'class="d2-overdue"' in row
    assert 'data-testid="d2-overdue"' in row
    assert "Past D2: a work order was due 2026-11-23 09:58" in row  # 07:58 UTC, in Sofia
    assert "Turn the case into a work order: ⚠ was due 2026-11-23 09:58" in row
    assert "d2.work_order" not in row


def test_d2_a_ticket_within_its_time_is_not_marked(client, centre, now):
    fresh = d2_ticket(centre, now - timedelta(minutes=3))
    row = ticket_row(board(client, centre), fresh.number)
    assert "d2-overdue" not in row
    assert "Past D2" not in row
    assert "Turn the case into a work order: due 2026-11-23 10:07" in row


def test_ticket_numbers_link_to_the_case(client, centre, now):
    ticket = d2_ticket(centre, now)
    row = ticket_row(board(client, centre), ticket.number)
    assert f'<a href="{reverse("tickets:detail", args=[ticket.pk])}"><strong>' in row


def test_bounced_tickets_link_to_the_case_and_are_marked_too(client, centre, now):
    bounced = make_ticket(
        centre["agent1"],
        now - timedelta(minutes=30),
        state="bounced",
        work_order_due=now - timedelta(minutes=20),
        bounce_reason="No address",
    )
    row = ticket_row(board(client, centre, "bounced"), bounced.number)
    assert reverse("tickets:detail", args=[bounced.pk]) in row
    assert "d2-overdue" in row


def test_late_orders_link_their_ticket_and_name_their_clocks_in_words(client, centre, now):
    ticket = make_ticket(centre["agent1"], now - timedelta(hours=2))
    order = work_order_dispatch(
        actor=centre["dispatcher"], now=now - timedelta(hours=1), ticket=ticket
    )
    WorkOrder.objects.filter(pk=order.pk).update(late_at=now - timedelta(minutes=5))
    page = board(client, centre, "late")
    row = re.search(rf"<tr>\s*<td><a href=\"[^\"]+\">{order.number}</a>.*?</tr>", page, re.S)
    assert row, page
    text = row.group(0)
    assert f'<a href="{reverse("tickets:detail", args=[ticket.pk])}">{ticket.number}</a>' in text
    # D4: the provider contacts the customer within 30 min of dispatch (09:30 Sofia): past it
    assert "Provider contacts the customer: ⚠ was due 2026-11-23 09:30" in text
    assert "d4.contact" not in text
    assert "d4.status" not in text


def test_the_lists_refresh_themselves_and_the_typed_send_back_is_not_in_the_swap(
    client, centre, now
):
    ticket = d2_ticket(centre, now)
    client.force_login(centre["dispatcher"])
    typed = "x" * 2000  # too long: the send-back comes back as typed, to shorten
    response = client.post(reverse("dispatch:bounce"), {"ticket": ticket.pk, "reason": typed})
    assert response.status_code == 400
    page = response.content.decode()
    live = re.search(r'<div id="board-live".*?>', page)
    assert live, page
    assert 'hx-trigger="board-refresh"' in live.group(0)
    assert 'hx-select="#board-live"' in live.group(0)
    assert 'hx-swap="outerHTML"' in live.group(0)
    assert "hotline/dispatch_board.js" in page
    assert page.index('data-testid="bounce-typed"') < page.index('id="board-live"')
    # what the refresh fetches: the same tab and page, whose #board-live holds the list
    refreshed = board(client, centre)
    assert ticket.number in refreshed[refreshed.index('id="board-live"') :]
